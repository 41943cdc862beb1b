import type { FrontendOptions } from '../config.js';
import { extractFacts } from '../engine.js';
import type { FileFacts } from '../model.js';

export interface WorkerTask {
  files: Array<{ path: string; text: string }>;
  options: FrontendOptions;
}

/** A worker thread's job: the facts of a batch of files (plain data, cloned back to the caller). */
export default function extractBatch(task: WorkerTask): FileFacts[] {
  return task.files.map((f) => extractFacts(f.path, f.text, task.options, 'auto'));
}
