import type { ts } from 'ts-morph';
import { commonJsExportOf, rangeOf, requireOf } from './syntax.js';
import { loadTypeScript, T } from './typescript.js';
import type { FrontendOptions, NameSettings } from '../../config.js';
import type { ExportFact, FileFacts, FrameworkUse, ImportFact, SuppressionDirective } from '../../model.js';
import { parseDirective } from '../../suppress.js';
import { extractStacks } from './stacks.js';
import { OTHER_SETTINGS } from '../settings-names.js';
import { extractFunctionCandidates, extractFunctionUnits, frameworkModule, FRAMEWORK_WORDS, registrationSink } from './frameworks.js';
import { extractAppStacks } from './app-stacks.js';
import { extractUnits, firstSuperCall, HOOKS, memberName, provablyNotNext, WEAK_NEXT_NAMES } from './units.js';

export const TS_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

function scriptKind(path: string): ts.ScriptKind {
  const ext = path.slice(path.lastIndexOf('.')).toLowerCase();
  switch (ext) {
    case '.tsx':
      return T.ScriptKind.TSX;
    case '.jsx':
      return T.ScriptKind.JSX;
    case '.js':
    case '.mjs':
    case '.cjs':
      return T.ScriptKind.JS;
    default:
      return T.ScriptKind.TS;
  }
}

export function isJavaScriptPath(path: string): boolean {
  return /\.[cm]?jsx?$/i.test(path);
}

/**
 * Parses one file with the TypeScript parser that ts-morph bundles. Throws RangeError on absurd
 * nesting. Without `parents` the nodes' `parent` links are left unset (cheaper): the syntax check
 * and the pre-filter's tree test need none; `withParents` adds them later, which is exactly what
 * the parser's own `setParentNodes` does. JSDoc comments are not parsed into nodes: nothing here
 * reads them (suppression comments are read from the text), their errors are never syntax errors,
 * and skipping them makes the parse about a tenth cheaper on commented code.
 */
export function parse(path: string, text: string, parents = true): ts.SourceFile {
  loadTypeScript();
  return T.createSourceFile(path, text, { languageVersion: T.ScriptTarget.Latest, jsDocParsingMode: T.JSDocParsingMode.ParseNone }, parents, scriptKind(path));
}

function emptyFacts(path: string): FileFacts {
  return {
    path,
    language: isJavaScriptPath(path) ? 'javascript' : 'typescript',
    units: [],
    stacks: [],
    imports: [],
    exports: [],
    declarations: {},
    classFactories: [],
    constants: {},
    directives: [],
  };
}

/** The facts of a file that was only checked for syntax (see `ExtractMode`). */
export function dormantFacts(path: string): FileFacts {
  const facts = emptyFacts(path);
  facts.dormant = true;
  return facts;
}

// ---------------------------------------------------------------------------------------------
// The pre-filter. Most files of a project hold no middleware and no stack; they are only parsed
// for syntax errors, and completed by the link step if another file refers to them (a stack that
// lists a class, a subclass whose base it is, a settings module that spreads its list, an import
// followed through it). The filter therefore has to keep only the files whose units or stacks
// matter ON THEIR OWN, and its guarantee is: a file that fails it yields no settings stack and no
// unit that a rule can report on unless another file leads the link step to it. It has two stages,
// each implied by the recognition paths of units.ts and stacks.ts:
//
// 1. A text test (`mightHoldMiddleware`, no parse). A settings stack is a list declared under a
//    setting name (stacks.ts: `settingNames`), so the name is written in the file as a word. A
//    unit is reported on only when it is confirmed without a stack listing it (link/units.ts:
//    evidence 'name' or 'type', or 'base' with a middleware chain) and has a handler, a hook or a
//    `super(...)` call (the only parts of a unit the unit rules read). By units.ts `nextEvidence`:
//    - evidence 'name': a first parameter named with a strong next-layer name (a word), or the weak
//      name (`next`) in a class whose handler calls it: the words `class` and `next`;
//    - evidence 'type': a type reference named with a next-layer type name (a word), or a function
//      type whose return type matches /Response\b/: `Response` followed by a non-word character;
//    - evidence 'base': a class with an `extends` clause: the words `class` and `extends`.
//    Fragments (exported lists named like middleware) need no test: only a stack that spreads them
//    reads them, and it completes their file.
//    - evidence 'framework' (frameworks.ts): the file imports or requires a framework's module,
//      whose name holds a word of FRAMEWORK_WORDS (`koa` in `koa`, `@koa/router`, `koa-router`).
// 2. A tree test (`mayYieldUnit`) on the syntax-only parse, for files that pass stage 1 only for
//    units: large bundles contain every word somewhere, but not in the right place. It looks for a
//    class or function where units.ts would find such evidence: a class that extends another and
//    has a handler or hook member, or a constructor whose `super(...)` call provably does not pass
//    the next layer on (what store-next reports when the base is middleware); a class whose
//    constructor's first parameter has a strong next name, a next-layer type, or the weak name
//    with a handler member; a function with a body whose first parameter has a strong next name
//    or a next-layer type (not a callback passed to a call); an import or `require` of a framework's
//    module (frameworks.ts finds nothing without one). It never looks further (whether the
//    handler calls the next layer, what a factory returns): those only make a unit less likely,
//    and the full analysis decides.
// Detection across files (issue 11) keeps this guarantee without widening either stage: a module
// that only exports `(ctx, next)` functions (`functionCandidates`) holds nothing judged on its own,
// since a candidate is judged only when a registration in another file reaches it. The registering
// file imports a framework, so it passes both stages, and the link step completes the dormant module
// when it follows the registration (src/link/frameworks.ts). A run given the module without any
// registering file (ESLint, staged files) completes it there when its text has a next-named
// parameter after another one or an error first (`(err, req, res)`), and looks for the registering
// files around it.
// A rule that judges some other part of a unit must widen both stages.
// ---------------------------------------------------------------------------------------------

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/** Whether `word` occurs in `text` with no identifier character (ASCII letter, digit, `_`, `$`) on either side. */
function hasWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if ((at === 0 || !isWordChar(text.charCodeAt(at - 1))) && !isWordChar(text.charCodeAt(at + word.length))) return true;
  }
  return false;
}

/** Whether `Response` occurs where `/Response\b/` would match (no letter, digit or `_` after it). */
function hasResponseWord(text: string): boolean {
  for (let at = text.indexOf('Response'); at >= 0; at = text.indexOf('Response', at + 1)) {
    const c = text.charCodeAt(at + 8);
    if (!isWordChar(c) || c === 36) return true;
  }
  return false;
}

function strongNextNames(names: NameSettings): string[] {
  return names.next.filter((n) => !WEAK_NEXT_NAMES.has(n));
}

function weakNextNames(names: NameSettings): string[] {
  return names.next.filter((n) => WEAK_NEXT_NAMES.has(n));
}

/** Stage 1: what the text allows — a stack (then the file is analysed in full), only units (stage 2 decides), or nothing. */
function scanText(text: string, names: NameSettings): 'stack' | 'units' | undefined {
  if ([...names.stack, ...OTHER_SETTINGS].some((w) => hasWord(text, w))) return 'stack';
  if ([...strongNextNames(names), ...names.nextTypes].some((w) => hasWord(text, w)) || hasResponseWord(text)) return 'units';
  if (hasWord(text, 'class') && (hasWord(text, 'extends') || weakNextNames(names).some((w) => hasWord(text, w)))) return 'units';
  // A framework's function units need its import (frameworks.ts): its module's name is written in the file.
  if (FRAMEWORK_WORDS.some((w) => hasWord(text, w))) return 'units';
  return undefined;
}

/**
 * Whether a file can hold anything the rules judge on its own: a settings stack, or a unit that is
 * middleware by its own evidence (stage 1 of the pre-filter above; the text only, no parse).
 * Conservative: a file that fails it yields no stack and no unit the rules report on by itself.
 */
export function mightHoldMiddleware(text: string, options: FrontendOptions): boolean {
  return scanText(text, options.names) !== undefined;
}

/** Stage 2 of the pre-filter: a class or function of the (parent-less) tree where units.ts may find own evidence. */
function mayYieldUnit(sf: ts.SourceFile, names: NameSettings): boolean {
  const strong = new Set(strongNextNames(names));
  const weak = new Set(weakNextNames(names));
  const handlers = new Set(names.handler);
  const handlersAndHooks = new Set([...names.handler, ...Object.keys(HOOKS)]);
  const hasMember = (node: ts.ClassLikeDeclaration, wanted: Set<string>) => node.members.some((m) => wanted.has(memberName(m.name) ?? ''));
  /** units.ts `nextEvidence` 'name' or 'type' (the weak name is the caller's business). */
  const ownEvidence = (param: ts.ParameterDeclaration | undefined): boolean => {
    if (!param || !T.isIdentifier(param.name)) return false;
    if (strong.has(param.name.text)) return true;
    const type = param.type;
    if (type && T.isFunctionTypeNode(type)) return /Response\b/.test(type.type.getText(sf));
    if (type && T.isTypeReferenceNode(type)) return names.nextTypes.includes(T.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text);
    return false;
  };
  let parent: ts.Node | undefined;
  const visit = (node: ts.Node): boolean => {
    if (T.isClassDeclaration(node) || T.isClassExpression(node)) {
      const ctor = node.members.find((m): m is ts.ConstructorDeclaration => T.isConstructorDeclaration(m) && m.body !== undefined);
      const first = ctor?.parameters[0];
      if (node.heritageClauses?.some((h) => h.token === T.SyntaxKind.ExtendsKeyword)) {
        if (hasMember(node, handlersAndHooks)) return true;
        const superCall = ctor && firstSuperCall(ctor);
        if (superCall && provablyNotNext(superCall.arguments[0], ctor!)) return true;
      }
      if (ownEvidence(first)) return true;
      if (first && T.isIdentifier(first.name) && weak.has(first.name.text) && hasMember(node, handlers)) return true;
    } else if ((T.isFunctionDeclaration(node) || T.isFunctionExpression(node) || T.isArrowFunction(node)) && node.body !== undefined) {
      // units.ts factoryUnit: not a callback passed to a call.
      if (!(parent && (T.isCallExpression(parent) || T.isNewExpression(parent))) && ownEvidence(node.parameters[0])) return true;
    } else if (T.isImportDeclaration(node) && T.isStringLiteral(node.moduleSpecifier) && frameworkModule(node.moduleSpecifier.text) !== undefined) {
      // frameworks.ts finds function units only in a file that imports a framework.
      return true;
    } else if (T.isCallExpression(node)) {
      const required = requireOf(node);
      if (required !== undefined && frameworkModule(required) !== undefined) return true;
    }
    const outer = parent;
    parent = node;
    const found = T.forEachChild(node, visit) ?? false;
    parent = outer;
    return found;
  };
  return visit(sf);
}

/**
 * The tree with its parent links: set in place by the routine the parser itself uses for
 * `setParentNodes` (not in TypeScript's public typings), or by parsing again where it is missing.
 */
function withParents(sf: ts.SourceFile, path: string, text: string): ts.SourceFile {
  const setParentRecursive = (T as unknown as { setParentRecursive?: (node: ts.Node, incremental: boolean) => void }).setParentRecursive;
  if (typeof setParentRecursive !== 'function') return parse(path, text, true);
  setParentRecursive(sf, true);
  return sf;
}

export type ExtractMode =
  /** Everything: units, flow summaries, stacks, imports and exports. */
  | 'full'
  /** Files that cannot hold middleware: only check that they parse (facts marked `dormant`). */
  | 'auto'
  /** Like auto, without even the syntax check of files that fail the text test (ESLint's parser already did it). */
  | 'lazy';

/**
 * Extracts the facts of one TypeScript or JavaScript file. A file that does not parse — a syntax
 * error, or nesting so deep that the parser overflows its stack — yields only a fatal problem.
 * In `auto` mode a file that fails the pre-filter is only parsed for syntax errors; its facts
 * are `dormant` and the link step completes them if another file refers to it.
 */
export function extractTypeScriptFacts(path: string, text: string, options: FrontendOptions, mode: ExtractMode = 'full'): FileFacts {
  const facts = emptyFacts(path);
  const scan = mode === 'full' ? 'stack' : scanText(text, options.names);
  if (scan === undefined && mode === 'lazy') return dormantFacts(path);
  try {
    const sf = parse(path, text, false);
    const syntax = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
    const firstError = syntax.find((d) => d.category === T.DiagnosticCategory.Error);
    if (firstError) {
      const start = firstError.start ?? 0;
      facts.fatal = {
        message: `Parsing error: ${T.flattenDiagnosticMessageText(firstError.messageText, '\n')}`,
        range: { start, end: start + (firstError.length ?? 0) },
      };
      return facts;
    }
    if (scan === undefined || (scan === 'units' && !mayYieldUnit(sf, options.names))) return dormantFacts(path);
    const tree = withParents(sf, path, text);
    collectModuleFacts(tree, facts);
    const { units, classFactories } = extractUnits(tree, options.names);
    // Function units come after the others: `classFactories` index into the units before them.
    const uses: FrameworkUse[] = [];
    const sink = registrationSink();
    facts.units = [...units, ...extractFunctionUnits(tree, facts.imports, uses, sink)];
    const appStacks = extractAppStacks(tree, facts.imports, facts.exports, sink, units.length);
    if (appStacks.length > 0) facts.appStacks = appStacks;
    if (uses.length > 0) facts.frameworkUses = uses;
    // Exported `(ctx, next)` functions without evidence here: the link step judges those a registration reaches.
    const candidates = extractFunctionCandidates(tree, facts.exports, facts.units, options.names);
    if (candidates.length > 0) facts.functionCandidates = candidates;
    facts.classFactories = classFactories;
    const settings = extractStacks(tree, options);
    facts.stacks = settings.stacks;
    facts.constants = settings.constants;
    facts.directives = collectDirectives(tree, text);
    return facts;
  } catch (error) {
    if (error instanceof RangeError) {
      const clean = emptyFacts(path);
      clean.fatal = { message: 'Parsing error: the file is nested too deeply to analyse (the parser ran out of stack).', range: { start: 0, end: 0 } };
      return clean;
    }
    throw error;
  }
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return T.canHaveModifiers(node) && !!T.getModifiers(node)?.some((m) => m.kind === kind);
}

/** Imports, exports and top-level declarations, including CommonJS `require` and `module.exports`. */
function collectModuleFacts(sf: ts.SourceFile, facts: FileFacts): void {
  const imports: ImportFact[] = facts.imports;
  const exports: ExportFact[] = facts.exports;
  const declare = (name: string, node: ts.Node) => {
    facts.declarations[name] = rangeOf(node, sf);
  };
  for (const st of sf.statements) {
    if (T.isImportDeclaration(st) && T.isStringLiteral(st.moduleSpecifier)) {
      const source = st.moduleSpecifier.text;
      const clause = st.importClause;
      if (!clause) continue;
      if (clause.name) imports.push({ local: clause.name.text, imported: 'default', source, range: rangeOf(clause.name, sf) });
      const bindings = clause.namedBindings;
      if (bindings && T.isNamespaceImport(bindings)) imports.push({ local: bindings.name.text, imported: '*', source, range: rangeOf(bindings, sf) });
      if (bindings && T.isNamedImports(bindings)) {
        for (const el of bindings.elements) {
          imports.push({ local: el.name.text, imported: (el.propertyName ?? el.name).text, source, range: rangeOf(el, sf) });
        }
      }
    } else if (T.isExportDeclaration(st)) {
      const source = st.moduleSpecifier && T.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
      if (!st.exportClause) {
        if (source) exports.push({ exported: '*', source });
      } else if (T.isNamespaceExport(st.exportClause)) {
        if (source) exports.push({ exported: st.exportClause.name.text, source, imported: '*' });
      } else {
        for (const el of st.exportClause.elements) {
          const local = (el.propertyName ?? el.name).text;
          exports.push(source ? { exported: el.name.text, source, imported: local } : { exported: el.name.text, local });
        }
      }
    } else if (T.isExportAssignment(st)) {
      const e = st.expression;
      exports.push(T.isIdentifier(e) ? { exported: 'default', local: e.text } : { exported: 'default' });
    } else if (T.isClassDeclaration(st) || T.isFunctionDeclaration(st)) {
      const name = st.name?.text;
      if (name) declare(name, st);
      if (hasModifier(st, T.SyntaxKind.ExportKeyword)) {
        if (hasModifier(st, T.SyntaxKind.DefaultKeyword)) exports.push(name ? { exported: 'default', local: name } : { exported: 'default' });
        else if (name) exports.push({ exported: name, local: name });
      }
    } else if (T.isVariableStatement(st)) {
      const exported = hasModifier(st, T.SyntaxKind.ExportKeyword);
      for (const d of st.declarationList.declarations) {
        if (!T.isIdentifier(d.name)) continue;
        declare(d.name.text, d);
        if (exported) exports.push({ exported: d.name.text, local: d.name.text });
        const init = d.initializer && unwrapAwait(d.initializer);
        // CommonJS: const x = require('./m'); const { A } = require('./m')
        if (init && isRequire(init)) imports.push({ local: d.name.text, imported: '*', source: requireSource(init), range: rangeOf(d, sf) });
      }
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && unwrapAwait(d.initializer);
        if (T.isObjectBindingPattern(d.name) && init && isRequire(init)) {
          for (const el of d.name.elements) {
            if (!T.isIdentifier(el.name)) continue;
            const imported = el.propertyName && T.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            imports.push({ local: el.name.text, imported, source: requireSource(init), range: rangeOf(el, sf) });
          }
        }
      }
    } else if (T.isEnumDeclaration(st) || T.isInterfaceDeclaration(st) || T.isTypeAliasDeclaration(st)) {
      declare(st.name.text, st);
    } else if (T.isExpressionStatement(st) && T.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === T.SyntaxKind.EqualsToken) {
      collectCommonJsExport(st.expression, exports);
    }
  }
}

function unwrapAwait(e: ts.Expression): ts.Expression {
  return T.isAwaitExpression(e) ? e.expression : e;
}

function isRequire(e: ts.Expression): e is ts.CallExpression {
  return T.isCallExpression(e) && T.isIdentifier(e.expression) && e.expression.text === 'require' && e.arguments.length === 1 && T.isStringLiteral(e.arguments[0]!);
}

function requireSource(e: ts.CallExpression): string {
  return (e.arguments[0] as ts.StringLiteral).text;
}

/** `module.exports = X`, `module.exports.A = A`, `exports.A = A`, `module.exports = { A, B: C }`. */
function collectCommonJsExport(assign: ts.BinaryExpression, exports: ExportFact[]): void {
  const exported = commonJsExportOf(assign.left);
  const right = assign.right;
  if (exported === 'default') {
    if (T.isIdentifier(right)) exports.push({ exported: 'default', local: right.text });
    else if (T.isObjectLiteralExpression(right)) {
      for (const p of right.properties) {
        if (T.isShorthandPropertyAssignment(p)) exports.push({ exported: p.name.text, local: p.name.text });
        else if (T.isPropertyAssignment(p) && T.isIdentifier(p.name) && T.isIdentifier(p.initializer)) exports.push({ exported: p.name.text, local: p.initializer.text });
      }
    } else exports.push({ exported: 'default' });
    return;
  }
  if (exported !== undefined) exports.push(T.isIdentifier(right) ? { exported, local: right.text } : { exported });
}

/** A word that every suppression directive starts with (parseDirective reads the rest). */
const DIRECTIVE_WORD = /(?:onionlint|eslint)-(?:disable|enable)/g;

/**
 * Suppression comments that concern onionlint. The comments of a node are found at its edges
 * (leading comments at `node.pos`, trailing ones on the line of `node.end`), so the walk only
 * enters nodes whose comments can hold one of the directive words the text contains: a comment
 * holding the word at `p` starts at or after `p`'s line start or just after the last `*\/`
 * before `p` (a block comment cannot contain one), so a node can have it among its leading or
 * trailing comments only if `p >= node.pos` and that start's line begins at or before `node.end`.
 * Everything else is skipped, which keeps this cheap in large files that mention a directive.
 */
function collectDirectives(sf: ts.SourceFile, text: string): SuppressionDirective[] {
  const hits: number[] = [];
  const lineStarts: number[] = [];
  for (const match of text.matchAll(DIRECTIVE_WORD)) {
    const at = match.index;
    const closed = text.lastIndexOf('*/', at - 2);
    const earliest = Math.min(text.lastIndexOf('\n', at) + 1, Math.max(0, closed - 1));
    hits.push(at);
    lineStarts.push(earliest === 0 ? 0 : text.lastIndexOf('\n', earliest - 1) + 1);
  }
  if (hits.length === 0) return [];
  // From each hit on, the smallest line start of the comments that can hold a later hit.
  const smallest = [...lineStarts];
  for (let i = smallest.length - 2; i >= 0; i--) smallest[i] = Math.min(smallest[i]!, smallest[i + 1]!);
  const mayHold = (node: ts.Node): boolean => {
    let lo = 0;
    let hi = hits.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (hits[mid]! < node.pos) lo = mid + 1;
      else hi = mid;
    }
    return lo < hits.length && smallest[lo]! <= node.end;
  };
  const seen = new Set<number>();
  const out: SuppressionDirective[] = [];
  const take = (ranges: ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) {
      if (seen.has(r.pos)) continue;
      seen.add(r.pos);
      const raw = text.slice(r.pos, r.end);
      const body = r.kind === T.SyntaxKind.SingleLineCommentTrivia ? raw.slice(2) : raw.slice(2, -2);
      const directive = parseDirective(body, { start: r.pos, end: r.end });
      if (directive) out.push(directive);
    }
  };
  const visit = (node: ts.Node): void => {
    if (!mayHold(node)) return;
    take(T.getLeadingCommentRanges(text, node.pos));
    take(T.getTrailingCommentRanges(text, node.end));
    T.forEachChild(node, visit);
  };
  visit(sf);
  take(T.getLeadingCommentRanges(text, sf.endOfFileToken.pos));
  return out.sort((a, b) => a.range.start - b.range.start);
}
