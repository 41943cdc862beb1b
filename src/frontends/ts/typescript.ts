import { createRequire } from 'node:module';
import type { ts as TypeScript } from 'ts-morph';

/**
 * The TypeScript compiler that ts-morph bundles, loaded on first use: a run whose facts all come
 * from the cache never pays the ~0.7 s it takes to load. Type positions use `ts` from ts-morph
 * (erased at compile time); value positions use `T`, a live binding that `loadTypeScript()` sets.
 * Every entry into the front-end calls `loadTypeScript()` before touching `T`. (A Proxy that loads
 * on access cost 3% of a cold run: `T.isIdentifier` and friends are called millions of times.)
 */
export let T: typeof TypeScript = undefined as unknown as typeof TypeScript;

export function loadTypeScript(): typeof TypeScript {
  if (T === undefined) T = (createRequire(import.meta.url)('ts-morph') as { ts: typeof TypeScript }).ts;
  return T;
}
