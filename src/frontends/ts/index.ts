import type { FrontendOptions } from '../../config.js';
import type { FileFacts } from '../../model.js';

export const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** Placeholder: replaced by the real front-end (units, flow summaries, imports, directives). */
export function extractTypeScriptFacts(path: string, _text: string, _options: FrontendOptions): FileFacts {
  return {
    path,
    language: /\.[cm]?jsx?$/.test(path) ? 'javascript' : 'typescript',
    units: [],
    stacks: [],
    imports: [],
    exports: [],
    declarations: {},
    directives: [],
  };
}
