/**
 * The Python front-end: one `.py` file's text → its FileFacts (`language: 'python'`).
 *
 * The parser loads asynchronously, once per thread: `await ensurePythonParser()` before the first
 * Python file (the CLI's fact collection and each worker thread do); extraction is then synchronous.
 * Units (middleware classes and factories with their flow summaries) come from ./units.ts.
 */
import type { Node } from 'web-tree-sitter';
import type { FrontendOptions, NameSettings } from '../../config.js';
import type { FileFacts, SuppressionDirective } from '../../model.js';
import { parseDirective } from '../../suppress.js';
import { collectPythonDefinitions } from './classes.js';
import { syntaxProblem } from './errors.js';
import { collectModule } from './module.js';
import { parsePython } from './parser.js';
import { extractPythonStacks } from './stacks.js';
import { extractPythonUnits } from './units.js';
import { OTHER_SETTINGS } from '../settings-names.js';
import type { ExtractMode } from '../ts/index.js';

export { ensurePythonParser, isPythonLoaded } from './parser.js';

/** Extensions of Python source (part of the engine's SOURCE_EXTENSIONS). */
export const PYTHON_EXTENSIONS = ['.py'];

export function isPythonPath(path: string): boolean {
  return PYTHON_EXTENSIONS.some((ext) => path.toLowerCase().endsWith(ext));
}

function emptyFacts(path: string): FileFacts {
  return { path, language: 'python', units: [], stacks: [], imports: [], exports: [], declarations: {}, classFactories: [], constants: {}, directives: [] };
}

// ---------------------------------------------------------------------------------------------
// The pre-filter, as for TypeScript (see src/frontends/ts/index.ts): most modules of a Django
// project (models, views, forms, admin, migrations, tests) hold no middleware and no settings
// stack. In `auto` mode a file whose text fails `mightHoldMiddleware` is only parsed for syntax
// errors; its facts are `dormant`, and the link step completes them if another file refers to it
// (a stack that lists one of its classes, a subclass whose base it is, an import followed through
// it). The guarantee: a file that fails the test yields no settings stack and no unit that a rule
// can report on by itself. It is implied by the recognition paths of stacks.ts and units.ts:
// - a stack is a list under a setting name (or the settings module named by DJANGO_SETTINGS_MODULE):
//   the name is written as a word;
// - a class unit needs `__init__` (evidence by its parameter, or 'position' with `__call__`), or a
//   base and one of `__call__`, `__init__` or a hook (process_request, process_response,
//   process_view, process_exception, process_template_response): one of those words;
// - a factory needs a first parameter with a strong next-layer name (`get_response`), a next-layer
//   type name, or an annotation ending in `Response`;
// - the async and mixin forms name `MiddlewareMixin`, the capability flags, `markcoroutinefunction`
//   or Django's middleware decorators.
// A rule that judges some other part of a Python file must widen the test.
// ---------------------------------------------------------------------------------------------

const UNIT_WORDS = [
  '__init__',
  '__call__',
  'process_request',
  'process_response',
  'process_view',
  'process_exception',
  'process_template_response',
  'MiddlewareMixin',
  'sync_capable',
  'async_capable',
  'markcoroutinefunction',
  'sync_only_middleware',
  'async_only_middleware',
  'sync_and_async_middleware',
  'DJANGO_SETTINGS_MODULE',
];

/** A function whose first parameter is annotated with a type naming `...Response` (units.ts `nextEvidence` 'type'). */
const RESPONSE_PARAMETER = /\bdef\s+\w+\s*\(\s*\w+\s*:[^)]*Response\b/;

const wordTests = new WeakMap<NameSettings, RegExp>();

function wordTest(names: NameSettings): RegExp {
  let test = wordTests.get(names);
  if (!test) {
    const words = [...names.stack, ...OTHER_SETTINGS, ...names.next.filter((n) => n !== 'next'), ...names.nextTypes, ...UNIT_WORDS];
    test = new RegExp(`(?<![\\w])(?:${words.map((w) => w.replace(/[$.*+?^(){}[\]|\\]/g, '\\$&')).join('|')})(?![\\w])`);
    wordTests.set(names, test);
  }
  return test;
}

/** Whether a Python file can hold a stack or a unit the rules judge on its own (the text only, no parse; see above). */
export function mightHoldPythonMiddleware(text: string, names: NameSettings): boolean {
  return wordTest(names).test(text) || (text.includes('Response') && RESPONSE_PARAMETER.test(text));
}

/**
 * Extracts the facts of one Python file. A file that Python 3 would not compile — a syntax error,
 * Python 2 code, a template — yields only its first problem, as a fatal one. In `auto` mode a file
 * that fails the pre-filter is only checked for syntax (`lazy`: not even that) and its facts are
 * `dormant`.
 */
export function extractPythonFacts(path: string, text: string, options: FrontendOptions, mode: ExtractMode = 'full'): FileFacts {
  const facts = emptyFacts(path);
  const dormant = mode !== 'full' && !mightHoldPythonMiddleware(text, options.names);
  if (dormant && mode === 'lazy') return { ...facts, dormant: true };
  const tree = parsePython(text);
  try {
    const root = tree.rootNode;
    const fatal = syntaxProblem(root, text);
    if (fatal) {
      facts.fatal = fatal;
      return facts;
    }
    if (dormant) return { ...facts, dormant: true };
    const module = collectModule(root);
    facts.imports = module.imports;
    facts.exports = module.exports;
    facts.declarations = module.declarations;
    facts.units = extractPythonUnits(root, text, options.names);
    const definitions = collectPythonDefinitions(root);
    if (definitions.classes.length) facts.pythonClasses = definitions.classes;
    if (definitions.functions.length) facts.pythonFunctions = definitions.functions;
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
