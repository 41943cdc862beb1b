// Shared helpers of the benchmarks: a generated project, timing of child processes, medians.
import { spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDjangoProject } from './generate-django.mjs';
import { generateProject } from './generate.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Generates a project with `generate(root, count, seed)` into a new temporary folder. */
function makeGenerated(prefix, generate, count, seed) {
  const root = mkdtempSync(join(tmpdir(), `${prefix}-${count}-`));
  return { root, ...generate(root, count, seed) };
}

export function makeProject(count, seed = 42) {
  return makeGenerated('onion-bench', generateProject, count, seed);
}

/** A generated Django project in Python (bench/generate-django.mjs). */
export function makeDjangoProject(count, seed = 42) {
  return makeGenerated('onion-bench-django', generateDjangoProject, count, seed);
}

/**
 * The files the CLI lints under `dir`, listed by the CLI's own walker (the build's
 * src/cli/files.js, with the CLI's defaults: .gitignore files honoured, node_modules skipped),
 * so that the parse floor parses exactly the files the CLI parses.
 */
export async function cliFiles(dir) {
  const { collectFiles } = await import(join(here, '..', 'dist', 'src', 'cli', 'files.js'));
  return collectFiles([dir], { cwd: dir, useGitignore: true, ignorePatterns: [] }).files;
}

/**
 * Real code: a copy of this project's own node_modules (after `npm ci`, the same on every
 * machine), in a folder not named node_modules so that the CLI walks it. Everything is copied
 * (package.json files matter: the CLI looks for a package's root) except what the CLI could not
 * see anyway: symbolic links (.bin), the dot-folders at the top (caches) and nested node_modules.
 */
export function makeRealProject() {
  const from = join(here, '..', 'node_modules');
  const root = mkdtempSync(join(tmpdir(), 'onion-bench-real-'));
  const to = join(root, 'deps');
  cpSync(from, to, {
    recursive: true,
    filter: (src) => {
      const st = lstatSync(src);
      if (st.isSymbolicLink()) return false;
      if (st.isDirectory()) return src === from || !((dirname(src) === from && basename(src).startsWith('.')) || basename(src) === 'node_modules');
      return !(dirname(src) === from && basename(src).startsWith('.'));
    },
  });
  return { root, dir: to };
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

/** Repeats `node args...`: the best and median wall time, their spread, and the peak RSS of all runs. */
export function repeat(reps, args, options) {
  const runs = [];
  for (let i = 0; i < reps; i++) runs.push(timeNode(args, options));
  for (const r of runs) if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}`);
  const ms = runs.map((r) => r.ms);
  return { best: Math.min(...ms), median: median(ms), worst: Math.max(...ms), rssMb: Math.max(...runs.map((r) => r.rssMb)), stdout: runs[0].stdout };
}

export function fmt(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}
