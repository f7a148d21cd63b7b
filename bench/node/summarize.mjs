// Reads the JSON lines of bench/duckdb.sh from stdin, keeps each case's best run, and prints
// a Markdown table with rows/s, the ratios Nagare is held to, and peak memory.
import { readFileSync } from 'node:fs';
import os from 'node:os';

const [rows, runs] = process.argv.slice(2);
const best = new Map();
for (const line of readFileSync(0, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line);
  const key = `${r.impl}/${r.op}`;
  const prev = best.get(key);
  if (!prev || r.seconds < prev.seconds) best.set(key, { ...r, peakRssMb: Math.max(r.peakRssMb, prev?.peakRssMb ?? 0) });
  else prev.peakRssMb = Math.max(prev.peakRssMb, r.peakRssMb);
}
const rate = (k) => best.get(k).rows / best.get(k).seconds;
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const label = { nagare: 'Nagare.DuckDb', node: '@duckdb/node-api', engine: 'DuckDB alone' };
const what = {
  read: { nagare: 'typed reader, GetInt64/GetDouble/GetString', node: 'stream + fetchChunk + getColumns', engine: 'SELECT min(a), max(b), max(length(c)) FROM t' },
  append: { nagare: 'chunk appender, typed spans', node: 'appendDataChunk', engine: 'INSERT INTO t2 SELECT * FROM t' },
};
console.log(`${Number(rows).toLocaleString('en-US')} rows (a BIGINT, b DOUBLE, c VARCHAR; 10% of strings > 12 bytes), best of ${runs}, ${os.cpus().length} cores, ${os.cpus()[0].model}\n`);
console.log('| operation | implementation | how | rows/s | peak RSS (MB) |');
console.log('| --- | --- | --- | ---: | ---: |');
for (const op of ['read', 'append']) {
  for (const impl of ['nagare', 'node', 'engine']) {
    const r = best.get(`${impl}/${op}`);
    console.log(`| ${op} | ${label[impl]} | ${what[op][impl]} | ${fmt(rate(`${impl}/${op}`))} | ${Math.round(r.peakRssMb)} |`);
  }
}
console.log('\n| ratio | read | append | target |');
console.log('| --- | ---: | ---: | --- |');
const ratio = (a, b, op) => (rate(`${a}/${op}`) / rate(`${b}/${op}`)).toFixed(2);
console.log(`| Nagare.DuckDb / @duckdb/node-api | ${ratio('nagare', 'node', 'read')}× | ${ratio('nagare', 'node', 'append')}× | ≥ 1.5× |`);
console.log(`| Nagare.DuckDb / DuckDB alone | ${ratio('nagare', 'engine', 'read')}× | ${ratio('nagare', 'engine', 'append')}× | ≥ 0.3× |`);
