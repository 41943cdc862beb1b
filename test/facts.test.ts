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
    const single = (await collectFacts(fixtures, { frontend, concurrency: 'off' })).facts;
    const threaded = (await collectFacts(fixtures, { frontend, concurrency: 2 })).facts;
    expect(threaded.size).toBe(fixtures.length);
    expect([...threaded.entries()]).toEqual([...single.entries()]);
    const render = (facts: typeof single) =>
      lint(fixtures, { config, facts }).map((r) => [r.filePath, r.diagnostics.map((d) => `${d.ruleId}@${d.range.start}:${d.message}`)]);
    expect(render(threaded)).toEqual(render(single));
    expect(render(threaded).flatMap(([, ds]) => ds).length).toBeGreaterThan(50);
  });

  it('reads files given by path on whichever thread analyses them, and reports the unreadable ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onion-facts-'));
    const byPath = fixtures.slice(0, 40).map((f, i) => {
      const path = join(dir, `f${i}${f.path.slice(f.path.lastIndexOf('.'))}`);
      writeFileSync(path, f.text);
      return { path, text: f.text };
    });
    const missing = join(dir, 'gone.ts');
    const inputs = [...byPath.map((f) => ({ path: f.path })), { path: missing }];
    const expected = (await collectFacts(byPath, { frontend, concurrency: 'off' })).facts;
    for (const concurrency of ['off', 'auto', 2] as const) {
      const { facts, unreadable } = await collectFacts(inputs, { frontend, concurrency });
      expect([...facts.entries()]).toEqual([...expected.entries()]);
      expect([...unreadable.keys()]).toEqual([missing]);
      expect(unreadable.get(missing)).toMatch(/^Cannot read the file/);
    }
  });

  it('uses workers only when asked, or above the automatic threshold', () => {
    expect(workerCount('off', 100_000)).toBe(0);
    expect(workerCount(3, 5)).toBe(3);
    expect(workerCount('auto', 10)).toBe(0);
  });
});
