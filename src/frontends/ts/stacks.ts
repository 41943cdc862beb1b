import type { ts } from 'ts-morph';
import type { FrontendOptions } from '../../config.js';
import type { StackFact } from '../../model.js';

/** Finds the stacks a file declares (MIDDLEWARE = [...] and its edits). Placeholder. */
export function extractStacks(_sourceFile: ts.SourceFile, _options: FrontendOptions): StackFact[] {
  return [];
}
