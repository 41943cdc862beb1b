#!/usr/bin/env node
// npm's `prepare` step: compile src/ and rules/ to dist/ with the TypeScript of devDependencies.
//
// npm runs `prepare` after `npm ci`/`npm install` in this folder, before `npm pack`/`npm publish`,
// and when it installs onionlint from git. One of those git installs needs help: `npm install -g
// git+file://…` (what pre-commit 4 runs to install a `language: node` hook) prepares the clone
// with an `npm install` that inherits `--global` and so leaves the clone without node_modules
// (npm/cli#8440), and a bare `tsc` fails with `tsc: not found`. There, and only there, this script
// first installs the locked dependencies into the clone (`npm ci`, offline when npm is), then
// compiles. No build output is committed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function tscPath() {
  try {
    return require.resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

if (!tscPath()) {
  if (process.env.npm_config_global !== 'true') {
    console.error('onionlint prepare: TypeScript is not installed here; run `npm ci` first.');
    process.exit(1);
  }
  // A git dependency being prepared for a global install: nothing is installed in this clone.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  run(npm[0], [...npm.slice(1), 'ci', '--global=false', '--ignore-scripts', '--no-audit', '--no-fund']);
}
run(process.execPath, [tscPath(), '-p', 'tsconfig.json']);
