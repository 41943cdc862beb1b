import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { readSource } from '../cli/read.js';
import type { FrontendOptions } from '../config.js';
import { mightHoldMiddleware } from '../frontends/ts/index.js';
import { ensurePythonParser, isPythonPath } from '../frontends/python/index.js';
import type { FileFacts } from '../model.js';
import { contentHash, type FactsCache, type Stamp } from './cache.js';
import { runJob, type FactsJob, type FactsOutcome, type WorkerTask } from './worker.js';

export type Concurrency = number | 'auto' | 'off';

export interface CollectOptions {
  frontend: FrontendOptions;
  /** `off`: this thread only; `auto`: worker threads above AUTO_THRESHOLD files to analyse; N: N workers. */
  concurrency?: Concurrency;
  /** The facts cache, when `--cache` is on (the caller saves it once the link step has added to it). */
  cache?: FactsCache;
}

/** A file to collect the facts of: its text, or only its path (read from disk when needed, as the CLI reads files). */
export interface FactsInput {
  path: string;
  text?: string;
}

export interface CollectedFacts {
  /** Facts by path, in the order of the input. */
  facts: Map<string, FileFacts>;
  /** Files that could not be read, with why. */
  unreadable: Map<string, string>;
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
 * Turns files into their facts: from the cache when the file is unchanged (by its stamp, without
 * reading it, or by its content), otherwise by the front-end, on worker threads when there are
 * many. Each file is read when its facts are computed and its text is dropped right after, so
 * memory holds one file's parse at a time, not the project's texts. The result is the same however
 * it is computed.
 */
export async function collectFacts(files: FactsInput[], options: CollectOptions): Promise<CollectedFacts> {
  const { cache, frontend } = options;
  // The Python parser loads only for a run that has Python files: here even when workers or the
  // cache provide the facts, since linting may extract again (fix passes); workers load their own.
  if (files.some((f) => isPythonPath(f.path))) await ensurePythonParser();
  /** What became of each file, by its index in `files`. */
  const outcomes: FactsOutcome[] = new Array(files.length);
  const stamps = new Map<string, Stamp | undefined>();
  type Job = FactsJob & { index: number };
  const record = (job: Job, outcome: FactsOutcome) => {
    outcomes[job.index] = outcome;
    if ('unreadable' in outcome) cache?.forget(job.path);
    else cache?.set(job.path, stamps.get(job.path), outcome.hash, outcome.facts);
  };
  const explicit = typeof options.concurrency === 'number' ? workerCount(options.concurrency, files.length) : 0;
  const auto = options.concurrency === undefined || options.concurrency === 'auto';
  /** Files left for worker threads (explicit) or for the automatic decision (auto: the heavy ones). */
  const queued: Job[] = [];
  let heavy = 0;
  let seen = 0;

  for (const [index, file] of files.entries()) {
    seen++;
    if (file.text === undefined && cache) {
      const stamp = cache.stampOf(file.path);
      const hit = cache.byStamp(file.path, stamp);
      if (hit) {
        outcomes[index] = { facts: hit };
        continue;
      }
      stamps.set(file.path, stamp);
    }
    const job: Job = { path: file.path, index };
    if (file.text !== undefined) job.text = file.text;
    else if (cache) {
      const stamp = stamps.get(file.path);
      if (cache.needsHash(file.path, stamp)) {
        const read = readSource(file.path);
        if (!read.ok) {
          record(job, { unreadable: read.message });
          continue;
        }
        job.text = read.text;
        job.hash = contentHash(read.text);
        const same = cache.byHash(file.path, stamp, job.hash);
        if (same) {
          outcomes[index] = { facts: same };
          continue;
        }
      }
    }
    if (explicit > 0) {
      queued.push(job);
      continue;
    }
    // Only files that need the full analysis are worth a worker: while their count can still reach the
    // threshold, keep them (with their text) until it is known; then analyse them here and now.
    if (auto && heavy + 1 + (files.length - seen) >= AUTO_THRESHOLD) {
      if (job.text === undefined) {
        const read = readSource(file.path);
        if (!read.ok) {
          record(job, { unreadable: read.message });
          continue;
        }
        job.text = read.text;
      }
      if (mightHoldMiddleware(job.text, frontend)) {
        queued.push(job);
        heavy++;
        if (heavy + (files.length - seen) < AUTO_THRESHOLD) for (const q of queued.splice(0)) record(q, runJob(q, frontend));
        continue;
      }
    }
    record(job, runJob(job, frontend));
  }

  const threads = explicit > 0 ? explicit : auto ? workerCount('auto', heavy) : 0;
  if (threads > 0) {
    const results = await extractOnWorkers(queued, frontend, threads);
    queued.forEach((job, i) => record(job, results[i]!));
  } else {
    for (const job of queued) record(job, runJob(job, frontend));
  }

  const facts = new Map<string, FileFacts>();
  const unreadable = new Map<string, string>();
  for (const [index, file] of files.entries()) {
    const outcome = outcomes[index]!;
    if ('unreadable' in outcome) unreadable.set(file.path, outcome.unreadable);
    else facts.set(file.path, outcome.facts);
  }
  return { facts, unreadable };
}

async function extractOnWorkers(jobs: FactsJob[], options: FrontendOptions, threads: number): Promise<FactsOutcome[]> {
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: workerPath(), minThreads: threads, maxThreads: threads, idleTimeout: 100 });
  try {
    const batches: Array<Promise<FactsOutcome[]>> = [];
    for (let i = 0; i < jobs.length; i += BATCH_SIZE) {
      const task: WorkerTask = { jobs: jobs.slice(i, i + BATCH_SIZE), options };
      batches.push(pool.run(task) as Promise<FactsOutcome[]>);
    }
    return (await Promise.all(batches)).flat();
  } finally {
    await pool.destroy();
  }
}
