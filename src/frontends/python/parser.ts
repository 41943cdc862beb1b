/**
 * The Python parser: web-tree-sitter running the `tree-sitter-python` grammar's bundled
 * `tree-sitter-python.wasm`. Nothing native: the grammar package's own install script (a
 * node-gyp-build of a Node binding) is denied in package.json's `allowScripts` and its binding is
 * never loaded.
 *
 * Loading is asynchronous (`Parser.init()` instantiates the runtime's wasm) and happens once per
 * process or worker thread, and only when a Python file is linted: `web-tree-sitter` is imported
 * dynamically here and nowhere else, so a TypeScript-only run never loads it. Callers
 * `await ensurePythonParser()` before the first `.py` file; parsing itself is then synchronous,
 * like the rest of the engine.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Parser, Tree } from 'web-tree-sitter';

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/** The grammar's wasm, from the installed `tree-sitter-python` package (it has no `exports` map). */
function grammarPath(): string {
  return createRequire(import.meta.url).resolve('tree-sitter-python/tree-sitter-python.wasm');
}

/** Whether the Python parser has been loaded in this thread (a TypeScript-only run never loads it). */
export function isPythonLoaded(): boolean {
  return parser !== undefined;
}

/** Loads web-tree-sitter and the Python grammar, once; concurrent callers share one load. */
export function ensurePythonParser(): Promise<void> {
  if (parser) return Promise.resolve();
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const language = await Language.load(new Uint8Array(await readFile(grammarPath())));
    const created = new Parser();
    created.setLanguage(language);
    parser = created;
  })().catch((error: unknown) => {
    // A failed load can be retried (and reports its own error each time).
    loading = undefined;
    throw error;
  });
  return loading;
}

/**
 * Parses Python source. The tree's offsets are UTF-16 code units into `text` (web-tree-sitter
 * reads a JavaScript string as UTF-16), like every range of the model. The caller deletes the tree.
 */
export function parsePython(text: string): Tree {
  if (!parser) throw new Error('onionlint: the Python parser is not loaded; await ensurePythonParser() before linting a .py file.');
  const tree = parser.parse(text);
  // null only without a language or when a progress callback cancels: neither happens here.
  if (!tree) throw new Error('onionlint: the Python parser returned no tree.');
  return tree;
}
