// npm run bench: onionlint's CLI against the parse floor, on generated projects and on real code
// (not a test). Every figure is measured in this run, and ratios compare figures of the same run.
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliFiles, fmt, makeDjangoProject, makeProject, makeRealProject, repeat, timeNode } from './lib.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = join(here, '..', 'dist', 'src', 'cli', 'bin.js');
const floor = join(here, 'parse-floor.mjs');
// The floor of a Python project: the bare tree-sitter parse of the same files.
const pythonFloor = join(here, 'parse-floor-python.mjs');
const django = Number(process.env.BENCH_DJANGO ?? 3000);
const sizes = (process.env.BENCH_SIZES ?? '1000,10000').split(',').filter(Boolean).map(Number);
const reps = Math.max(2, Number(process.env.BENCH_REPS ?? 3));
const real = process.env.BENCH_REAL !== '0';
const threads = availableParallelism();

console.log(
  `machine: ${threads} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
    `every figure: the best of ${reps} runs (wall), its spread below; peak RSS: the highest of the runs\n`,
);

/** Measures one project: the floor over the files the CLI walks, the CLI cold, warm (--cache) and on workers. */
async function bench(label, root, dir, extra, floorScript = floor) {
  const files = await cliFiles(dir);
  const list = join(root, 'files.txt');
  writeFileSync(list, files.join('\n'));
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const cache = join(root, 'onion-cache.json');
  const base = [cli, '--format', 'json'];
  const options = { cwd: dir };
  const parse = repeat(reps, [floorScript, list]);
  const cold = repeat(reps, [...base, '--concurrency', 'off', '.'], options);
  timeNode([...base, '--concurrency', 'off', '--cache', '--cache-location', cache, '.'], options);
  const warm = repeat(reps, [...base, '--concurrency', 'off', '--cache', '--cache-location', cache, '.'], options);
  const workers = repeat(reps, [...base, '--concurrency', String(threads), '.'], options);
  // The cache and the workers change nothing in the reports.
  if (warm.stdout !== cold.stdout || workers.stdout !== cold.stdout) throw new Error(`${label}: the reports differ between cold, warm and worker runs`);
  return { label: `${label} (${files.length} files, ${(bytes / 2 ** 20).toFixed(1)} MB${extra ? `, ${extra}` : ''})`, files: files.length, parse, cold, warm, workers };
}

const rows = [];
for (const size of sizes) {
  const project = makeProject(size);
  rows.push({ kind: 'generated', size, ...(await bench(`generated ${size}`, project.root, project.root, `${project.middlewares} Django-style middleware; ${project.handlers}`)) });
  rmSync(project.root, { recursive: true, force: true });
}
if (django > 0) {
  const project = makeDjangoProject(django);
  rows.push({ kind: 'django', size: django, ...(await bench(`Django ${django}, Python`, project.root, project.root, `${project.middlewares} middleware; floor: tree-sitter`, pythonFloor)) });
  rmSync(project.root, { recursive: true, force: true });
}
if (real) {
  const project = makeRealProject();
  rows.push({ kind: 'real', ...(await bench("real: this project's node_modules", project.root, project.dir)) });
  rmSync(project.root, { recursive: true, force: true });
}

const line = (cells) => `| ${cells.join(' | ')} |`;
const pct = (a, b) => `${((a / b) * 100).toFixed(0)}%`;
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
console.log(line(['project', 'parse floor', 'CLI cold, 1 thread', 'cold / floor', 'CLI warm, `--cache`', 'warm / cold', `CLI, ${threads} worker threads`, 'workers speed-up', 'peak RSS (floor / cold / warm / workers)']));
console.log(line(Array(9).fill('---')));
for (const r of rows) {
  console.log(
    line([
      r.label,
      fmt(r.parse.best),
      fmt(r.cold.best),
      ratio(r.cold.best, r.parse.best),
      fmt(r.warm.best),
      pct(r.warm.best, r.cold.best),
      fmt(r.workers.best),
      ratio(r.cold.best, r.workers.best),
      `${r.parse.rssMb.toFixed(0)} / ${r.cold.rssMb.toFixed(0)} / ${r.warm.rssMb.toFixed(0)} / ${r.workers.rssMb.toFixed(0)} MiB`,
    ]),
  );
}
console.log('\nspread (best / median / worst of each):');
for (const r of rows) {
  const s = (m) => `${fmt(m.best)} / ${fmt(m.median)} / ${fmt(m.worst)}`;
  console.log(`  ${r.label}: floor ${s(r.parse)}; cold ${s(r.cold)}; warm ${s(r.warm)}; workers ${s(r.workers)}`);
}

console.log('\ntargets:');
const verdict = (ok) => (ok ? 'met' : 'MISSED');
for (const r of rows) {
  if (r.kind === 'generated') {
    console.log(
      `  ${r.label}: cold <= 1.5x floor: ${ratio(r.cold.best, r.parse.best)} ${verdict(r.cold.best <= 1.5 * r.parse.best)}; warm <= 15% of cold: ${pct(r.warm.best, r.cold.best)} ${verdict(r.warm.best <= 0.15 * r.cold.best)}; ` +
        `workers >= 1.6x faster: ${ratio(r.cold.best, r.workers.best)} ${verdict(r.cold.best >= 1.6 * r.workers.best)}`,
    );
  } else if (r.kind === 'django') {
    console.log(`  ${r.label}: cold <= 1.5x the tree-sitter parse: ${ratio(r.cold.best, r.parse.best)} ${verdict(r.cold.best <= 1.5 * r.parse.best)}`);
  } else {
    const peak = Math.max(r.cold.rssMb, r.warm.rssMb);
    console.log(`  ${r.label}: cold <= 1.3x floor: ${ratio(r.cold.best, r.parse.best)} ${verdict(r.cold.best <= 1.3 * r.parse.best)}; peak RSS <= 500 MiB (1 thread): ${peak.toFixed(0)} MiB ${verdict(peak <= 500)}`);
  }
}
