// Shared helpers of the benchmarks: a generated project, timing of child processes, medians.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProject } from './generate.mjs';

export function makeProject(count, seed = 42) {
  const root = mkdtempSync(join(tmpdir(), `onion-bench-${count}-`));
  const info = generateProject(root, count, seed);
  return { root, ...info };
}

export function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sourceFiles(p));
    } else if (/\.[cm]?[jt]sx?$/.test(p)) out.push(p);
  }
  return out;
}

/** Runs `node script args` and returns wall time (ms) and peak RSS (MB) of the child. */
export function timeNode(args, options = {}) {
  const script = `
    const { spawnSync } = require('node:child_process');
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ${JSON.stringify(args)}, { cwd: ${JSON.stringify(options.cwd ?? process.cwd())}, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...${JSON.stringify(options.env ?? {})} } });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const rss = require('node:fs').readFileSync('/proc/self/status', 'utf8');
    process.stdout.write(JSON.stringify({ ms, status: r.status }));
  `;
  // Peak RSS of the child: /usr/bin/time when present, else the child's own report.
  const timeBin = spawnSync('sh', ['-c', 'command -v /usr/bin/time'], { encoding: 'utf8' }).stdout.trim();
  if (timeBin) {
    const started = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { cwd: options.cwd, encoding: 'utf8', env: { ...process.env, ...(options.env ?? {}) } });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const lines = r.stderr.trim().split('\n');
    const rssMb = Number(lines[lines.length - 1]) / 1024;
    return { ms, rssMb, status: r.status };
  }
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return { ...JSON.parse(r.stdout), rssMb: NaN };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function fmt(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
