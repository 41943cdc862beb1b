import type { ts } from 'ts-morph';
import { rangeOf } from './syntax.js';
import { T } from './typescript.js';
import type { FrontendOptions } from '../../config.js';
import type { ExportFact, FileFacts, ImportFact, SuppressionDirective } from '../../model.js';
import { parseDirective } from '../../suppress.js';
import { extractStacks } from './stacks.js';
import { extractUnits } from './units.js';

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

/** Parses one file with the TypeScript parser that ts-morph bundles. Throws RangeError on absurd nesting. */
export function parse(path: string, text: string): ts.SourceFile {
  return T.createSourceFile(path, text, T.ScriptTarget.Latest, true, scriptKind(path));
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

/**
 * Whether a file can hold anything the rules judge: a middleware (its next layer is named or typed,
 * or a class extends another), or a stack (a settings or middleware list name). Conservative: a
 * file that fails this test yields no unit and no stack whatever its contents.
 */
export function mightHoldMiddleware(text: string, options: FrontendOptions): boolean {
  const words = [...options.names.next, ...options.names.nextTypes, ...options.names.stack, 'MIDDLEWARE_CLASSES', 'INSTALLED_APPS'];
  for (const word of words) {
    let at = text.indexOf(word);
    while (at >= 0) {
      const before = at === 0 ? '' : text[at - 1]!;
      const after = text[at + word.length] ?? '';
      if (!/[\w$]/.test(before) && !/[\w$]/.test(after)) return true;
      at = text.indexOf(word, at + 1);
    }
  }
  return /middleware|_APPS/i.test(text) || (/\bclass\b/.test(text) && /\bextends\b/.test(text));
}

export type ExtractMode =
  /** Everything: units, flow summaries, stacks, imports and exports. */
  | 'full'
  /** Files that cannot hold middleware: only check that they parse (facts marked `dormant`). */
  | 'auto'
  /** Like auto, without even the syntax check (ESLint's parser already did it). */
  | 'lazy';

/**
 * Extracts the facts of one TypeScript or JavaScript file. A file that does not parse — a syntax
 * error, or nesting so deep that the parser overflows its stack — yields only a fatal problem.
 * In `auto` mode a file that cannot hold middleware is only parsed for syntax errors; its facts
 * are `dormant` and the link step completes them if another file refers to it.
 */
export function extractTypeScriptFacts(path: string, text: string, options: FrontendOptions, mode: ExtractMode = 'full'): FileFacts {
  const facts = emptyFacts(path);
  const dormant = mode !== 'full' && !mightHoldMiddleware(text, options);
  if (dormant && mode === 'lazy') return { ...facts, dormant: true };
  try {
    const sf = dormant ? T.createSourceFile(path, text, T.ScriptTarget.Latest, false, scriptKind(path)) : parse(path, text);
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
    if (dormant) return { ...facts, dormant: true };
    collectModuleFacts(sf, facts);
    const { units, classFactories } = extractUnits(sf, options.names);
    facts.units = units;
    facts.classFactories = classFactories;
    const settings = extractStacks(sf, options);
    facts.stacks = settings.stacks;
    facts.constants = settings.constants;
    facts.directives = collectDirectives(sf, text);
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
  const left = assign.left.getText().replace(/\s+/g, '');
  const right = assign.right;
  if (left === 'module.exports') {
    if (T.isIdentifier(right)) exports.push({ exported: 'default', local: right.text });
    else if (T.isObjectLiteralExpression(right)) {
      for (const p of right.properties) {
        if (T.isShorthandPropertyAssignment(p)) exports.push({ exported: p.name.text, local: p.name.text });
        else if (T.isPropertyAssignment(p) && T.isIdentifier(p.name) && T.isIdentifier(p.initializer)) exports.push({ exported: p.name.text, local: p.initializer.text });
      }
    } else exports.push({ exported: 'default' });
    return;
  }
  const m = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(left);
  if (m) exports.push(T.isIdentifier(right) ? { exported: m[1]!, local: right.text } : { exported: m[1]! });
}

/** Suppression comments that concern onionlint (cheap: only files that mention a directive are walked). */
function collectDirectives(sf: ts.SourceFile, text: string): SuppressionDirective[] {
  if (!/(onionlint|eslint)-(disable|enable)/.test(text)) return [];
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
    take(T.getLeadingCommentRanges(text, node.pos));
    take(T.getTrailingCommentRanges(text, node.end));
    T.forEachChild(node, visit);
  };
  visit(sf);
  take(T.getLeadingCommentRanges(text, sf.endOfFileToken.pos));
  return out.sort((a, b) => a.range.start - b.range.start);
}
