import { readSource } from '../cli/read.js';
import type { FrontendOptions } from '../config.js';
import { extractFacts } from '../engine.js';
import { ensurePythonParser, isPythonPath } from '../frontends/python/index.js';
import type { FileFacts } from '../model.js';

/** A file to analyse: its text, or only its path (then it is read here, on whichever thread runs this). */
export interface FactsJob {
  path: string;
  text?: string;
  /** The content hash, when the facts cache needs it (computed by the caller, which read the file). */
  hash?: string;
}

export type FactsOutcome = { facts: FileFacts; hash?: string } | { unreadable: string };

export interface WorkerTask {
  jobs: FactsJob[];
  options: FrontendOptions;
}

/** Reads a file if needed and extracts its facts; the text is dropped as soon as this returns. */
export function runJob(job: FactsJob, options: FrontendOptions): FactsOutcome {
  let text = job.text;
  if (text === undefined) {
    const read = readSource(job.path);
    if (!read.ok) return { unreadable: read.message };
    text = read.text;
  }
  const facts = extractFacts(job.path, text, options, 'auto');
  return job.hash === undefined ? { facts } : { facts, hash: job.hash };
}

/**
 * A worker thread's job: the facts of a batch of files (plain data, cloned back to the caller).
 * A batch with Python files loads the Python parser in this thread first (once per thread).
 */
export default async function extractBatch(task: WorkerTask): Promise<FactsOutcome[]> {
  if (task.jobs.some((job) => isPythonPath(job.path))) await ensurePythonParser();
  return task.jobs.map((job) => runJob(job, task.options));
}
