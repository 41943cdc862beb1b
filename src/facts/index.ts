import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FrontendOptions } from '../config.js';
import { extractFacts } from '../engine.js';
import { mightHoldMiddleware } from '../frontends/ts/index.js';
import { ensurePythonParser, isPythonPath } from '../frontends/python/index.js';
import type { FileFacts } from '../model.js';
import { contentHash, FactsCache } from './cache.js';
import type { WorkerTask } from './worker.js';

export type Concurrency = number | 'auto' | 'off';

export interface CollectOptions {
  frontend: FrontendOptions;
  /** `off`: this thread only; `auto`: worker threads above AUTO_THRESHOLD files to analyse; N: N workers. */
  concurrency?: Concurrency;
  /** Path of the facts cache file, when `--cache` is on. */
  cacheLocation?: string;
}

/**
 * Below this many files that need the full analysis, starting workers (each loads the TypeScript
 * parser, ~0.7 s) costs more than it saves on a 2-core machine. Files that cannot hold middleware
 * are only parsed for syntax errors, which is too little work to ship to another thread (measured:
 * 10,000 ordinary files take 1.8 s on one thread and 2.5 s on two workers).
 */
export const AUTO_THRESHOLD = 1500;
/** Files per worker task: large enough to amortise messaging, small enough to balance load. */
const BATCH_SIZE = 64;

/** The number of worker threads to use for `count` files, or 0 for this thread only. */
export function workerCount(concurrency: Concurrency | undefined, count: number): number {
  if (concurrency === 'off' || concurrency === 0) return 0;
  if (concurrency === undefined || concurrency === 'auto') {
    const cores = availableParallelism();
    return count >= AUTO_THRESHOLD && cores > 1 ? cores : 0;
  }
  return Math.max(0, Math.floor(concurrency));
}

/** The compiled worker module (the CLI runs from dist/; tests of the TS sources use the build too). */
function workerPath(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/src/facts/worker.js', here) : new URL('./worker.js', here);
  return fileURLToPath(url);
}

/**
 * Turns files into their facts: from the cache when the content is unchanged, otherwise by the
 * front-end, on worker threads when there are many. The result is the same however it is computed.
 */
export async function collectFacts(files: Array<{ path: string; text: string }>, options: CollectOptions): Promise<Map<string, FileFacts>> {
  const result = new Map<string, FileFacts>();
  const cache = options.cacheLocation ? new FactsCache(options.cacheLocation, options.frontend) : undefined;
  const hashes = new Map<string, string>();
  const todo: Array<{ path: string; text: string }> = [];
  for (const file of files) {
    if (cache) {
      const hash = contentHash(file.text);
      hashes.set(file.path, hash);
      const cached = cache.get(file.path, hash);
      if (cached) {
        result.set(file.path, cached);
        continue;
      }
    }
    todo.push(file);
  }
  const heavy = options.concurrency === 'auto' || options.concurrency === undefined ? todo.filter((f) => mightHoldMiddleware(f.text, options.frontend)).length : todo.length;
  const workers = workerCount(options.concurrency, heavy);
  // The Python parser loads only for a run that has Python files: here even when workers or the
  // cache provide the facts, since linting may extract again (fix passes); workers load their own.
  if (files.some((f) => isPythonPath(f.path))) await ensurePythonParser();
  const computed = workers > 0 ? await extractOnWorkers(todo, options.frontend, workers) : todo.map((f) => extractFacts(f.path, f.text, options.frontend, 'auto'));
  todo.forEach((file, i) => {
    const facts = computed[i]!;
    result.set(file.path, facts);
    cache?.set(file.path, hashes.get(file.path)!, facts);
  });
  if (cache) {
    try {
      cache.save();
    } catch {
      // A cache that cannot be written only costs time on the next run.
    }
  }
  return result;
}

async function extractOnWorkers(files: Array<{ path: string; text: string }>, options: FrontendOptions, threads: number): Promise<FileFacts[]> {
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: workerPath(), minThreads: threads, maxThreads: threads, idleTimeout: 100 });
  try {
    const batches: Array<Promise<FileFacts[]>> = [];
    for (let i = 0; i < files.length; i += BATCH_SIZE) {
      const task: WorkerTask = { files: files.slice(i, i + BATCH_SIZE), options };
      batches.push(pool.run(task) as Promise<FileFacts[]>);
    }
    return (await Promise.all(batches)).flat();
  } finally {
    await pool.destroy();
  }
}
