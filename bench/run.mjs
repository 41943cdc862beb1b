// npm run bench: onionlint's CLI against the parse floor on generated projects (not a test).
// Every figure is measured in this run; ratios compare figures of the same run.
import { rmSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, makeProject, median, timeNode } from './lib.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = join(here, '..', 'dist', 'src', 'cli', 'bin.js');
const floor = join(here, 'parse-floor.mjs');
const sizes = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const reps = Number(process.env.BENCH_REPS ?? 3);

function measure(args, options) {
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(timeNode(args, options));
  for (const r of runs) if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return { ms: median(runs.map((r) => r.ms)), rssMb: Math.max(...runs.map((r) => r.rssMb)) };
}

console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; median of ${reps} runs\n`);
const rows = [];
for (const size of sizes) {
  const project = makeProject(size);
  const cache = join(project.root, '.onion-cache.json');
  const base = ['--format', 'json'];
  const parse = measure([floor, project.root]);
  const cold = measure([cli, ...base, '--concurrency', 'off', project.root]);
  timeNode([cli, ...base, '--concurrency', 'off', '--cache', '--cache-location', cache, project.root]);
  const warm = measure([cli, ...base, '--concurrency', 'off', '--cache', '--cache-location', cache, project.root]);
  const workers = measure([cli, ...base, '--concurrency', String(availableParallelism()), project.root]);
  rows.push({ size, middlewares: project.middlewares, parse, cold, warm, workers });
  rmSync(project.root, { recursive: true, force: true });
}

const line = (cells) => `| ${cells.join(' | ')} |`;
console.log(line(['files', 'parse floor', 'CLI cold (1 thread)', 'cold / floor', 'CLI warm (--cache)', 'warm / cold', 'CLI workers', 'speed-up', 'peak RSS (cold / workers)']));
console.log(line(Array(9).fill('---')));
for (const r of rows) {
  console.log(
    line([
      `${r.size} (${r.middlewares} middleware)`,
      fmt(r.parse.ms),
      fmt(r.cold.ms),
      `${(r.cold.ms / r.parse.ms).toFixed(2)}x`,
      fmt(r.warm.ms),
      `${((r.warm.ms / r.cold.ms) * 100).toFixed(0)}%`,
      fmt(r.workers.ms),
      `${(r.cold.ms / r.workers.ms).toFixed(2)}x`,
      `${r.cold.rssMb.toFixed(0)} MB / ${r.workers.rssMb.toFixed(0)} MB`,
    ]),
  );
}
const last = rows[rows.length - 1];
console.log('\ntargets:');
for (const r of rows) console.log(`  ${r.size} files: cold ≤ 1.5x floor: ${(r.cold.ms / r.parse.ms).toFixed(2)}x ${r.cold.ms / r.parse.ms <= 1.5 ? 'met' : 'MISSED'}; warm ≤ 20% of cold: ${((r.warm.ms / r.cold.ms) * 100).toFixed(0)}% ${r.warm.ms / r.cold.ms <= 0.2 ? 'met' : 'MISSED'}`);
console.log(`  ${last.size} files: workers ≥ 1.6x faster: ${(last.cold.ms / last.workers.ms).toFixed(2)}x ${last.cold.ms / last.workers.ms >= 1.6 ? 'met' : 'MISSED'}; peak RSS ≤ 500 MB: ${Math.max(last.cold.rssMb, last.workers.rssMb).toFixed(0)} MB ${Math.max(last.cold.rssMb, last.workers.rssMb) <= 500 ? 'met' : 'MISSED'}`);
