import { createRequire } from 'node:module';
import type { ts as TypeScript } from 'ts-morph';

/**
 * The TypeScript compiler that ts-morph bundles, loaded on first use: a run whose facts all come
 * from the cache never pays the ~0.7 s it takes to load. Type positions use `ts` from ts-morph
 * (erased at compile time); value positions use `T`.
 */
let loaded: typeof TypeScript | undefined;
const load = (): typeof TypeScript => (loaded ??= (createRequire(import.meta.url)('ts-morph') as { ts: typeof TypeScript }).ts);

export const T: typeof TypeScript = new Proxy({} as typeof TypeScript, {
  get: (_target, key) => load()[key as keyof typeof TypeScript],
});
