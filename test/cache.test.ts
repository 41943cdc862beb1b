/**
 * The facts cache (`--cache`, src/facts/cache.ts): what makes it reuse facts, what makes it start
 * afresh, and that a bad cache file never breaks a run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type FrontendOptions } from '../src/config.js';
import { frontendOptions } from '../src/engine.js';
import { FactsCache, type CacheHooks, type CacheStrategy, type Stamp } from '../src/facts/cache.js';
import { collectFacts } from '../src/facts/index.js';
import { CORRECT, FORGOT_RETURN, project, run } from './cli/run.js';

const frontend = frontendOptions(defaultConfig());
const MIDDLEWARE = 'export class A {\n  constructor(getResponse) { this.getResponse = getResponse; }\n  call(request) { return this.getResponse(request); }\n}\n';
/** The same size as MIDDLEWARE, another class name: a change the stamp may not show. */
const RENAMED = MIDDLEWARE.replace('class A ', 'class B ');

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'onion-cache-'));
  const file = join(dir, 'a.ts');
  writeFileSync(file, MIDDLEWARE);
  return { dir, file, location: join(dir, 'cache', 'facts.json') };
}

/** One cached run over the given files: the facts, the warnings, and the cache saved afterwards. */
async function cachedRun(location: string, files: string[], options: { frontend?: FrontendOptions; strategy?: CacheStrategy; hooks?: CacheHooks } = {}) {
  const warnings: string[] = [];
  const cache = FactsCache.open(location, options.frontend ?? frontend, options.strategy ?? 'metadata', { warn: (m) => warnings.push(m), ...options.hooks });
  const result = await collectFacts(
    files.map((path) => ({ path })),
    { frontend: options.frontend ?? frontend, concurrency: 'off', cache },
  );
  cache.save();
  return { ...result, warnings, unitNames: (path: string) => result.facts.get(path)?.units.map((u) => u.name) };
}

/** A run that starts a minute after now: every file written by the test is long settled. */
const later: CacheHooks = { now: () => Date.now() + 60_000 };

/** Rewrites the stored entries (and their checksum), as a tool that knows the format would. */
function editEntries(location: string, edit: (entries: Record<string, unknown[]>) => void, editHeader: (header: Record<string, unknown>) => void = () => {}) {
  const [headerLine, body] = readFileSync(location, 'utf8').split('\n') as [string, string];
  const header = JSON.parse(headerLine) as Record<string, unknown>;
  const entries = JSON.parse(body) as Record<string, unknown[]>;
  edit(entries);
  const newBody = JSON.stringify(entries);
  header.digest = createHash('sha1').update(newBody).digest('base64url');
  editHeader(header);
  writeFileSync(location, `${JSON.stringify(header)}\n${newBody}`);
}

/** Replaces the stored facts of a file by facts with no unit: a run that returns them used the cache. */
const poison = (path: string) => (entries: Record<string, unknown[]>) => {
  (entries[path]![5] as { units: unknown[] }).units = [];
};

describe('facts cache: the metadata strategy (default)', () => {
  it('reuses the facts of a file whose stamp is unchanged without reading it', async () => {
    const { file, location } = workspace();
    const first = await cachedRun(location, [file], { hooks: later });
    expect(first.unitNames(file)).toEqual(['A']);
    const stamp = statSync(file);
    rmSync(file);
    // The file is gone: only a run that does not read it can still return its facts.
    const stat = (): Stamp => ({ size: stamp.size, mtimeMs: stamp.mtimeMs, ctimeMs: stamp.ctimeMs, ino: stamp.ino });
    const second = await cachedRun(location, [file], { hooks: { ...later, stat } });
    expect(second.unreadable.size).toBe(0);
    expect(second.unitNames(file)).toEqual(['A']);
  });

  it('serves stored facts (poisoned here) while the stamp holds, and recomputes a file changed with the same size and a new mtime', async () => {
    const { file, location } = workspace();
    await cachedRun(location, [file], { hooks: later });
    editEntries(location, poison(file));
    expect((await cachedRun(location, [file], { hooks: later })).unitNames(file)).toEqual([]);
    const before = statSync(file);
    writeFileSync(file, RENAMED);
    utimesSync(file, before.atime, new Date(before.mtimeMs + 5000));
    expect(statSync(file).size).toBe(before.size);
    expect((await cachedRun(location, [file], { hooks: later })).unitNames(file)).toEqual(['B']);
  });

  it('a change within the same clock tick, same size: unseen for a settled entry (documented), seen for a recent one and by the content strategy', async () => {
    const { file, location } = workspace();
    const real = statSync(file);
    const frozen = (): Stamp => ({ size: real.size, mtimeMs: real.mtimeMs, ctimeMs: real.ctimeMs, ino: real.ino });
    // Settled: the run that recorded it started long after the modification time.
    await cachedRun(location, [file], { hooks: { ...later, stat: frozen } });
    writeFileSync(file, RENAMED);
    expect((await cachedRun(location, [file], { hooks: { ...later, stat: frozen } })).unitNames(file)).toEqual(['A']);
    // Racy: recorded by a run that started within the same moment; it keeps its hash and is verified by content.
    writeFileSync(file, MIDDLEWARE);
    const atMtime: CacheHooks = { stat: frozen, now: () => real.mtimeMs };
    rmSync(location);
    await cachedRun(location, [file], { hooks: atMtime });
    writeFileSync(file, RENAMED);
    expect((await cachedRun(location, [file], { hooks: { ...later, stat: frozen } })).unitNames(file)).toEqual(['B']);
    // Recorded by a run a minute after the modification, the entry is settled: no hash, the file is no longer read.
    const [, body] = readFileSync(location, 'utf8').split('\n') as [string, string];
    expect((JSON.parse(body) as Record<string, unknown[]>)[file]![4]).toBe(0);
    // The content strategy sees every change, whatever the stamp says.
    writeFileSync(file, MIDDLEWARE);
    rmSync(location);
    await cachedRun(location, [file], { strategy: 'content', hooks: { ...later, stat: frozen } });
    writeFileSync(file, RENAMED);
    expect((await cachedRun(location, [file], { strategy: 'content', hooks: { ...later, stat: frozen } })).unitNames(file)).toEqual(['B']);
  });

  it('is not rewritten when nothing changed, and is when something did', async () => {
    const { dir, file, location } = workspace();
    const other = join(dir, 'b.ts');
    writeFileSync(other, 'export const x = 1;\n');
    await cachedRun(location, [file, other], { hooks: later });
    const written = statSync(location);
    await cachedRun(location, [file, other], { hooks: later });
    expect(statSync(location).ino).toBe(written.ino);
    writeFileSync(other, 'export const x = 22;\n');
    await cachedRun(location, [file, other], { hooks: later });
    expect(statSync(location).ino).not.toBe(written.ino);
  });

  it('keeps the entries of files a run did not see (a run on a few files), and drops those of deleted files', async () => {
    const { dir, file, location } = workspace();
    const other = join(dir, 'b.ts');
    writeFileSync(other, CORRECT);
    await cachedRun(location, [file, other], { hooks: later });
    writeFileSync(file, RENAMED + '\n');
    await cachedRun(location, [file], { hooks: later });
    const keys = () => Object.keys(JSON.parse(readFileSync(location, 'utf8').split('\n')[1]!) as object).sort();
    expect(keys()).toEqual([file, other].sort());
    rmSync(other);
    writeFileSync(file, MIDDLEWARE);
    await cachedRun(location, [file], { hooks: later });
    expect(keys()).toEqual([file]);
  });
});

describe('facts cache: what it does not trust', () => {
  it('another onionlint version: discarded without a word', async () => {
    const { file, location } = workspace();
    await cachedRun(location, [file], { hooks: later });
    editEntries(location, poison(file), (header) => {
      header.version = '0.0.1';
    });
    const next = await cachedRun(location, [file], { hooks: later });
    expect(next.warnings).toEqual([]);
    expect(next.unitNames(file)).toEqual(['A']);
  });

  it('other front-end options or another strategy: discarded', async () => {
    const { file, location } = workspace();
    await cachedRun(location, [file], { hooks: later });
    editEntries(location, poison(file));
    const renamed = { names: { ...frontend.names, handler: ['call', 'process'] } };
    expect((await cachedRun(location, [file], { frontend: renamed, hooks: later })).unitNames(file)).toEqual(['A']);
    await cachedRun(location, [file], { hooks: later });
    editEntries(location, poison(file));
    expect((await cachedRun(location, [file], { strategy: 'content', hooks: later })).unitNames(file)).toEqual(['A']);
  });

  const broken: Array<[string, (location: string) => void, RegExp]> = [
    ['not JSON', (l) => writeFileSync(l, '{ not json'), /it is not an onionlint cache file \(not JSON\)$/],
    ['truncated', (l) => truncateSync(l, Math.floor(statSync(l).size / 2)), /it is truncated or damaged \(its checksum does not match\)$/],
    ['truncated in its header', (l) => truncateSync(l, 30), /it is truncated$/],
    ['another tool\'s JSON', (l) => writeFileSync(l, '{"version":1,"entries":{}}'), /it is not an onionlint cache file$/],
    ['damaged inside', (l) => writeFileSync(l, readFileSync(l, 'utf8').replace('"units"', '"uNits"')), /its checksum does not match/],
    ['a folder', (l) => {
      rmSync(l);
      mkdirSync(l);
    }, /it cannot be read \(EISDIR\)$/],
  ];
  for (const [name, damage, reason] of broken) {
    it(`a cache file that is ${name}: ignored with a one-line warning, never a crash`, async () => {
      const { file, location } = workspace();
      await cachedRun(location, [file], { hooks: later });
      damage(location);
      const warnings: string[] = [];
      const cache = FactsCache.open(location, frontend, 'metadata', { warn: (m) => warnings.push(m), ...later });
      const { facts } = await collectFacts([{ path: file }], { frontend, concurrency: 'off', cache });
      expect(facts.get(file)!.units.map((u) => u.name)).toEqual(['A']);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(new RegExp(`^onionlint: ignoring the cache file ${location.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
      expect(warnings[0]).toMatch(reason);
      expect(warnings[0]).not.toContain('\n');
    });
  }

  it('malformed entries behind a valid checksum: ignored with a warning', async () => {
    const { file, location } = workspace();
    await cachedRun(location, [file], { hooks: later });
    editEntries(location, (entries) => {
      entries[file] = ['big', 1];
    });
    const next = await cachedRun(location, [file], { hooks: later });
    expect(next.warnings).toEqual([`onionlint: ignoring the cache file ${location}: it holds malformed entries`]);
    expect(next.unitNames(file)).toEqual(['A']);
  });
});

describe('CLI: --cache and --cache-strategy', () => {
  it('a warm run reports what a cold one does, with either strategy, and warns once about a bad cache file', async () => {
    const root = project({ 'a.ts': FORGOT_RETURN, 'b.ts': CORRECT });
    const cold = await run(['-f', 'json', '.'], root);
    for (const strategy of ['metadata', 'content']) {
      const args = ['-f', 'json', '--cache', '--cache-location', '.cache/facts.json', '--cache-strategy', strategy, '.'];
      expect(await run(args, root)).toEqual(cold);
      expect(await run(args, root)).toEqual(cold);
    }
    writeFileSync(join(root, '.cache', 'facts.json'), '{"onionlint":"facts');
    const damaged = await run(['-f', 'json', '--cache', '--cache-location', '.cache/facts.json', '.'], root);
    expect(damaged.stdout).toBe(cold.stdout);
    expect(damaged.stderr).toBe(`onionlint: ignoring the cache file ${join(root, '.cache', 'facts.json')}: it is truncated\n`);
    expect((await run(['-f', 'json', '--cache', '--cache-location', '.cache/facts.json', '.'], root)).stderr).toBe('');
  });

  it('rejects an unknown strategy', async () => {
    const r = await run(['--cache', '--cache-strategy', 'mtime', '.'], project({ 'a.ts': CORRECT }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("argument 'mtime' is invalid. Allowed choices are metadata, content.");
  });

  it('a fully warm run does not load TypeScript, even when the link step had to complete a file', () => {
    // settings.ts lists a class through a barrel (middleware/index.ts): only the link step reads the
    // barrel's exports, so the cache must keep them for a warm run to need no parse at all.
    const root = project({
      'package.json': '{"private":true}',
      'settings.ts': "import { Timing } from './middleware';\nexport const MIDDLEWARE = [Timing];\n",
      'middleware/index.ts': "export * from './timing';\n",
      'middleware/timing.ts': FORGOT_RETURN.replace('PoweredBy', 'Timing'),
    });
    const hook = join(root, 'hook.cjs');
    writeFileSync(hook, "const M = require('node:module'); const load = M._load; M._load = function (request, ...rest) { if (request === 'ts-morph') process.stderr.write('LOADED ts-morph\\n'); return load.call(this, request, ...rest); };\n");
    const bin = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'bin.js');
    const lintOnce = () => spawnSync(process.execPath, ['--require', hook, bin, '-f', 'json', '--cache', '--cache-location', 'facts.json', 'settings.ts', 'middleware'], { cwd: root, encoding: 'utf8' });
    const cold = lintOnce();
    expect(cold.stderr).toContain('LOADED ts-morph');
    expect(JSON.parse(cold.stdout).flatMap((r: { messages: Array<{ ruleId: string }> }) => r.messages.map((m) => m.ruleId))).toEqual(['onion/return-response']);
    // A file written this very second is verified by content on the next run; let the entries settle.
    const entries = JSON.parse(readFileSync(join(root, 'facts.json'), 'utf8').split('\n')[1]!) as Record<string, unknown[]>;
    expect(entries[join(root, 'middleware', 'index.ts')]).toHaveLength(7);
    const old = new Date(Date.now() - 60_000);
    for (const f of ['settings.ts', 'middleware/index.ts', 'middleware/timing.ts']) utimesSync(join(root, f), old, old);
    lintOnce();
    const warm = lintOnce();
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.stderr).not.toContain('LOADED ts-morph');
  });
});
