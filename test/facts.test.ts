import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { frontendOptions, lint } from '../src/engine.js';
import { collectFacts, workerCount } from '../src/facts/index.js';

const config = defaultConfig();
const frontend = frontendOptions(config);

function sourceFiles(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.[cm]?[jt]sx?$/.test(name)) out.push({ path: p, text: readFileSync(p, 'utf8') });
  }
  return out;
}

const fixtures = sourceFiles(join(import.meta.dirname, '..', 'fixtures'));

describe('facts provider', () => {
  it('worker threads compute exactly the facts and reports of the single-threaded run', async () => {
    const single = await collectFacts(fixtures, { frontend, concurrency: 'off' });
    const threaded = await collectFacts(fixtures, { frontend, concurrency: 2 });
    expect(threaded.size).toBe(fixtures.length);
    expect([...threaded.entries()]).toEqual([...single.entries()]);
    const render = (facts: typeof single) =>
      lint(fixtures, { config, facts }).map((r) => [r.filePath, r.diagnostics.map((d) => `${d.ruleId}@${d.range.start}:${d.message}`)]);
    expect(render(threaded)).toEqual(render(single));
    expect(render(threaded).flatMap(([, ds]) => ds).length).toBeGreaterThan(50);
  });

  it('the cache returns stored facts for unchanged files and recomputes changed ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onion-cache-'));
    const location = join(dir, 'facts.json');
    const files = [
      { path: join(dir, 'a.ts'), text: 'class A { constructor(getResponse) { this.getResponse = getResponse; } call(r) { return this.getResponse(r); } }' },
      { path: join(dir, 'b.ts'), text: 'export const x = 1;' },
    ];
    const first = await collectFacts(files, { frontend, concurrency: 'off', cacheLocation: location });
    const stored = JSON.parse(readFileSync(location, 'utf8'));
    expect(Object.keys(stored.entries).sort()).toEqual(files.map((f) => f.path).sort());
    // Poison the stored facts of a.ts: an unchanged file must be served from the cache.
    stored.entries[files[0]!.path].facts.units = [];
    writeFileSync(location, JSON.stringify(stored));
    const second = await collectFacts(files, { frontend, concurrency: 'off', cacheLocation: location });
    expect(second.get(files[0]!.path)!.units).toEqual([]);
    expect(first.get(files[0]!.path)!.units).toHaveLength(1);
    // A changed file is recomputed.
    const changed = [{ ...files[0]!, text: files[0]!.text + '\n' }, files[1]!];
    const third = await collectFacts(changed, { frontend, concurrency: 'off', cacheLocation: location });
    expect(third.get(files[0]!.path)!.units).toHaveLength(1);
    // Other front-end options (names) invalidate every entry.
    const renamed = { names: { ...frontend.names, handler: ['handle'] } };
    await collectFacts(files, { frontend, concurrency: 'off', cacheLocation: location });
    const poisoned = JSON.parse(readFileSync(location, 'utf8'));
    poisoned.entries[files[0]!.path].facts.units = [];
    writeFileSync(location, JSON.stringify(poisoned));
    const fourth = await collectFacts(files, { frontend: renamed, concurrency: 'off', cacheLocation: location });
    expect(fourth.get(files[0]!.path)!.units).toHaveLength(1);
  });

  it('a corrupt cache file is ignored and replaced', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onion-cache-'));
    const location = join(dir, 'facts.json');
    writeFileSync(location, '{ not json');
    const files = [{ path: join(dir, 'a.ts'), text: 'export class A {}' }];
    const facts = await collectFacts(files, { frontend, concurrency: 'off', cacheLocation: location });
    expect(facts.get(files[0]!.path)!.path).toBe(files[0]!.path);
    expect(JSON.parse(readFileSync(location, 'utf8')).entries[files[0]!.path].hash).toMatch(/\S/);
  });

  it('uses workers only when asked, or above the automatic threshold', () => {
    expect(workerCount('off', 100_000)).toBe(0);
    expect(workerCount(3, 5)).toBe(3);
    expect(workerCount('auto', 10)).toBe(0);
  });
});
