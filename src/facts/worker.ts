import type { FrontendOptions } from '../config.js';
import { extractFacts } from '../engine.js';
import { ensurePythonParser, isPythonPath } from '../frontends/python/index.js';
import type { FileFacts } from '../model.js';

export interface WorkerTask {
  files: Array<{ path: string; text: string }>;
  options: FrontendOptions;
}

/**
 * A worker thread's job: the facts of a batch of files (plain data, cloned back to the caller).
 * A batch with Python files loads the Python parser in this thread first (once per thread).
 */
export default async function extractBatch(task: WorkerTask): Promise<FileFacts[]> {
  if (task.files.some((f) => isPythonPath(f.path))) await ensurePythonParser();
  return task.files.map((f) => extractFacts(f.path, f.text, task.options, 'auto'));
}
