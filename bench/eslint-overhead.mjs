// npm run bench:eslint: what onionlint's ESLint plugin adds to an ESLint run (not a test).
// The same generated project is linted by ESLint with typescript-eslint's parser, with and without
// onionlint's recommended config, alternating, in one process; the median of each is compared.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { fmt, makeProject, median } from './lib.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const { default: onion } = await import(join(here, '..', 'dist', 'src', 'eslint', 'plugin.js'));
const size = Number(process.env.BENCH_FILES ?? 500);
const reps = Number(process.env.BENCH_REPS ?? 5);
const project = makeProject(size, 7);

const TS = ['**/*.ts'];
const base = [{ files: TS, languageOptions: { parser: tseslint.parser } }];
// A typical project's ESLint run has rules of its own: typescript-eslint's recommended set (no type information).
const withRules = [...base, ...tseslint.configs.recommended.map((c) => ({ ...c, files: TS }))];

async function lintOnce(config) {
  const eslint = new ESLint({ cwd: project.root, overrideConfigFile: true, overrideConfig: config, cache: false });
  const started = performance.now();
  const results = await eslint.lintFiles(['src']);
  return { ms: performance.now() - started, problems: results.reduce((n, r) => n + r.messages.length, 0) };
}

const scenarios = {
  'parser only': base,
  'parser + onionlint': [...base, onion.configs.recommended],
  'typescript-eslint recommended': withRules,
  'typescript-eslint recommended + onionlint': [...withRules, onion.configs.recommended],
};
const times = Object.fromEntries(Object.keys(scenarios).map((k) => [k, []]));
const problems = {};
await lintOnce(base); // warm-up: module loading and JIT
for (let i = 0; i < reps; i++) {
  for (const [name, config] of Object.entries(scenarios)) {
    const r = await lintOnce(config);
    times[name].push(r.ms);
    problems[name] = r.problems;
  }
}
console.log(`${size} TypeScript files (${project.middlewares} middleware), ESLint ${ESLint.version}, median of ${reps} runs each\n`);
for (const [name, ms] of Object.entries(times)) console.log(`  ${name.padEnd(44)} ${fmt(median(ms)).padStart(8)}  (${problems[name]} problems)`);
const ratio = (a, b) => median(times[a]) / median(times[b]);
console.log(`\noverhead of onionlint over the bare parser:                 ${((ratio('parser + onionlint', 'parser only') - 1) * 100).toFixed(1)}%`);
console.log(`overhead of onionlint over typescript-eslint's recommended: ${((ratio('typescript-eslint recommended + onionlint', 'typescript-eslint recommended') - 1) * 100).toFixed(1)}%  (target: at most 15%)`);
rmSync(project.root, { recursive: true, force: true });
