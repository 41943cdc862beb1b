/**
 * The Python front-end: one `.py` file's text → its FileFacts (`language: 'python'`).
 *
 * The parser loads asynchronously, once per thread: `await ensurePythonParser()` before the first
 * Python file (the CLI's fact collection and each worker thread do); extraction is then synchronous.
 * Units (middleware classes and factories with their flow summaries) come from ./units.ts.
 */
import type { Node } from 'web-tree-sitter';
import type { FrontendOptions } from '../../config.js';
import type { FileFacts, SuppressionDirective } from '../../model.js';
import { parseDirective } from '../../suppress.js';
import { syntaxProblem } from './errors.js';
import { collectModule } from './module.js';
import { parsePython } from './parser.js';
import { extractPythonStacks } from './stacks.js';
import { extractPythonUnits } from './units.js';

export { ensurePythonParser, isPythonLoaded } from './parser.js';

/** Extensions of Python source (part of the engine's SOURCE_EXTENSIONS). */
export const PYTHON_EXTENSIONS = ['.py'];

export function isPythonPath(path: string): boolean {
  return PYTHON_EXTENSIONS.some((ext) => path.toLowerCase().endsWith(ext));
}

function emptyFacts(path: string): FileFacts {
  return { path, language: 'python', units: [], stacks: [], imports: [], exports: [], declarations: {}, classFactories: [], constants: {}, directives: [] };
}

/**
 * Extracts the facts of one Python file. A file that Python 3 would not compile — a syntax error,
 * Python 2 code, a template — yields only its first problem, as a fatal one.
 */
export function extractPythonFacts(path: string, text: string, options: FrontendOptions): FileFacts {
  const facts = emptyFacts(path);
  const tree = parsePython(text);
  try {
    const root = tree.rootNode;
    const fatal = syntaxProblem(root, text);
    if (fatal) {
      facts.fatal = fatal;
      return facts;
    }
    const module = collectModule(root);
    facts.imports = module.imports;
    facts.exports = module.exports;
    facts.declarations = module.declarations;
    facts.units = extractPythonUnits(root, text, options.names);
    const settings = extractPythonStacks(root, text, options);
    // split_settings include() files are imports too, in source order among the others.
    if (settings.includes.length) facts.imports = [...facts.imports, ...settings.includes].sort((a, b) => a.range.start - b.range.start);
    facts.stacks = settings.stacks;
    facts.constants = settings.constants;
    facts.directives = collectDirectives(root, text);
    return facts;
  } finally {
    // Trees live in wasm memory.
    tree.delete();
  }
}

/** `# onionlint-disable-next-line <id>` and the other onionlint forms (ESLint's do not apply to Python). */
function collectDirectives(root: Node, text: string): SuppressionDirective[] {
  if (!/onionlint-(?:disable|enable)/.test(text)) return [];
  const out: SuppressionDirective[] = [];
  for (const comment of root.descendantsOfType('comment')) {
    const directive = parseDirective(text.slice(comment.startIndex + 1, comment.endIndex), { start: comment.startIndex, end: comment.endIndex });
    if (directive?.tool === 'onionlint') out.push(directive);
  }
  return out;
}
