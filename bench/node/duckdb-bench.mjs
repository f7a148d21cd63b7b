// DuckDB's own Node.js binding doing the same work as Nagare.Bench (bench/duckdb.sh runs both):
//   node duckdb-bench.mjs read   DB_FILE   reads t(a BIGINT, b DOUBLE, c VARCHAR) into JS values
//   node duckdb-bench.mjs append DB_FILE N appends N rows into a fresh table t2 with data chunks
// Prints one JSON line: {"impl":"node","op":...,"rows":...,"seconds":...,"peakRssMb":...}.
import { DuckDBInstance, DuckDBDataChunk, BIGINT, DOUBLE, VARCHAR } from '@duckdb/node-api';

const [op, dbFile, countArg] = process.argv.slice(2);
const instance = await DuckDBInstance.create(dbFile);
const connection = await instance.connect();

// The same value pool as Nagare.Bench: 4096 strings, every tenth longer than 12 bytes.
const pool = Array.from({ length: 4096 }, (_, i) => (i % 10 === 0 ? `a-longer-string-${i}` : `v${i}`));

let rows = 0;
const started = process.hrtime.bigint();
if (op === 'read') {
  const result = await connection.stream('SELECT a, b, c FROM t');
  let sumA = 0n, sumB = 0, lenC = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const [a, b, c] = chunk.getColumns();
    for (let i = 0; i < a.length; i++) {
      sumA += a[i];
      sumB += b[i];
      lenC += c[i].length;
    }
    rows += a.length;
  }
  if (sumA < 0n || sumB < 0 || lenC < 0) throw new Error('unreachable');
} else if (op === 'append') {
  const total = Number(countArg);
  await connection.run('DROP TABLE IF EXISTS t2; CREATE TABLE t2 (a BIGINT, b DOUBLE, c VARCHAR)');
  const appender = await connection.createAppender('t2');
  const size = 2048;
  for (let start = 0; start < total; start += size) {
    const n = Math.min(size, total - start);
    const a = new Array(n), b = new Array(n), c = new Array(n);
    for (let j = 0; j < n; j++) {
      const i = start + j;
      a[j] = BigInt(i);
      b[j] = i * 0.5;
      c[j] = pool[i & 4095];
    }
    const chunk = DuckDBDataChunk.create([BIGINT, DOUBLE, VARCHAR], n);
    chunk.setColumns([a, b, c]);
    appender.appendDataChunk(chunk);
    rows += n;
  }
  appender.closeSync();
} else {
  throw new Error(`unknown op ${op}`);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ impl: 'node', op, rows, seconds, peakRssMb }));
connection.closeSync();
