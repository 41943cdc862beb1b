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

/**
 * Runs `node args...` in a child process: wall time (ms), and peak RSS (MB) read by /usr/bin/time
 * (Debian's `time` package) when it is there.
 */
export function timeNode(args, options = {}) {
  const hasTime = spawnSync('sh', ['-c', 'test -x /usr/bin/time']).status === 0;
  const command = hasTime ? '/usr/bin/time' : process.execPath;
  const argv = hasTime ? ['-f', '%M', process.execPath, ...args] : args;
  const started = process.hrtime.bigint();
  const r = spawnSync(command, argv, { cwd: options.cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, ...(options.env ?? {}) } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const lines = (r.stderr ?? '').trim().split('\n');
  const rssMb = hasTime ? Number(lines[lines.length - 1]) / 1024 : NaN;
  return { ms, rssMb, status: r.status, stdout: r.stdout };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function fmt(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
