// DuckDB working alone on the warehouse side of benchmark 2: creates TABLES tables of the benchmark's shape
// (int, text, decimal(12,2), timestamptz) in SCHEMAS schemas of a new file and fills each with ROWS generated
// rows, in transactions of 256 tables spread over CONNECTIONS connections, then checkpoints. No source is
// read: this is the least DuckDB itself spends on creating and filling that many tables. Prints seconds.
//
//   node many-tables-floor.mjs FILE TABLES ROWS SCHEMAS BLOCK_SIZE CONNECTIONS
import { DuckDBInstance } from '@duckdb/node-api';

const [file, tables, rows, schemas, blockSize, connections] = process.argv.slice(2);
const count = Number(tables);
const group = 256;
const instance = await DuckDBInstance.create(':memory:');
const setup = await instance.connect();
const started = performance.now();
await setup.run(`ATTACH '${file.replaceAll("'", "''")}' AS w (BLOCK_SIZE ${Number(blockSize)}, STORAGE_VERSION 'v1.4.0'); USE w`);
for (let s = 1; s <= Number(schemas); s++) {
  await setup.run(`CREATE SCHEMA s${s}`);
}

let next = 0;
async function worker() {
  const connection = await instance.connect();
  await connection.run('USE w');
  for (let first = next; first < count; first = next) {
    next += group;
    let sql = 'BEGIN;';
    for (let t = first; t < Math.min(count, first + group); t++) {
      const table = `s${(t % Number(schemas)) + 1}.t${t}`;
      sql += `CREATE TABLE ${table} (id INTEGER, name VARCHAR, amount DECIMAL(12,2), created_at TIMESTAMPTZ);` +
        `INSERT INTO ${table} SELECT r, 'name ' || r, r * 1.25, TIMESTAMPTZ '2024-01-01 00:00:00+00' + r * INTERVAL 1 MINUTE FROM range(1, ${Number(rows) + 1}) g(r);`;
    }
    await connection.run(sql + 'COMMIT;');
  }
}

await Promise.all(Array.from({ length: Number(connections) }, worker));
await setup.run('CHECKPOINT');
console.log(((performance.now() - started) / 1000).toFixed(3));
