import type { ts } from 'ts-morph';
import { dotted, rangeOf, stripParens } from './syntax.js';
import { T } from './typescript.js';
import type { FrontendOptions } from '../../config.js';
import type { Range, StackEntryFact, StackFact } from '../../model.js';
import { FRAGMENT_NAME, OTHER_SETTINGS, type ListState } from '../settings-names.js';

export interface SettingsFacts {
  stacks: StackFact[];
  constants: Record<string, string | number | boolean>;
}

interface ExportedListState extends ListState {
  exported: boolean;
}


function unwrap(e: ts.Expression): ts.Expression {
  let cur = e;
  for (;;) {
    cur = stripParens(cur);
    // Object.freeze([...]) keeps the list as it is.
    if (T.isCallExpression(cur) && cur.arguments.length === 1 && dotted(cur.expression) === 'Object.freeze') cur = cur.arguments[0]!;
    else return cur;
  }
}

/**
 * Finds the stacks a module declares — `MIDDLEWARE = [...]` and friends — with the edits the
 * module makes to them afterwards (push, unshift, splice, reassignment with a self-spread, concat),
 * in statement order. Spreads of lists from other modules stay `spread` entries for the link step.
 */
export function extractStacks(sf: ts.SourceFile, options: FrontendOptions): SettingsFacts {
  const settingNames = new Set([...options.names.stack, ...OTHER_SETTINGS]);
  const constants: Record<string, string | number | boolean> = {};
  // Cheap exit: a module that never names a setting or a middleware list declares no stack.
  const text = sf.text;
  if (![...settingNames].some((n) => text.includes(n)) && !/middleware|_APPS/i.test(text)) return { stacks: [], constants: collectConstants(sf, constants) };

  const lists = new Map<string, ExportedListState>();
  const exportedNames = new Set<string>();
  let conditionIds = 0;

  const isCandidate = (name: string) => settingNames.has(name) || FRAGMENT_NAME.test(name);

  /** Entries of one array element (a spread may yield several). */
  const element = (el: ts.Expression, arrayRange: Range | undefined, self: string, condition: StackEntryFact['condition']): StackEntryFact[] => {
    const e = unwrap(el);
    const base = (kind: StackEntryFact['kind'], value: string): StackEntryFact => ({
      kind,
      value,
      range: rangeOf(el, sf),
      ...(condition ? { condition } : {}),
      ...(arrayRange ? { arrayRange } : {}),
    });
    if (T.isStringLiteral(e) || T.isNoSubstitutionTemplateLiteral(e)) return [base('string', e.text)];
    if (T.isSpreadElement(e)) return spread(e.expression, self, condition, rangeOf(e, sf));
    const name = dotted(e);
    if (name !== undefined) return [base('reference', name)];
    if (T.isCallExpression(e)) {
      const callee = dotted(unwrap(e.expression));
      if (callee !== undefined) {
        const args = literalArguments(e.arguments);
        return [{ ...base('call', callee), ...(args !== undefined ? { args } : {}) }];
      }
    }
    return [base('unknown', e.getText(sf).slice(0, 80))];
  };

  /** The entries a spread contributes: a local list inlined, a condition's branches, or a spread for link. */
  const spread = (expr: ts.Expression, self: string, condition: StackEntryFact['condition'], range: Range): StackEntryFact[] => {
    const e = unwrap(expr);
    const name = dotted(e);
    if (name !== undefined) {
      const local = lists.get(name);
      if (local) return local.entries.map((x) => (condition && !x.condition ? { ...x, condition } : { ...x }));
      return [{ kind: 'spread', value: name, range, ...(condition ? { condition } : {}) }];
    }
    if (T.isConditionalExpression(e)) {
      const id = ++conditionIds;
      return [...(listOf(e.whenTrue, self, { id, branch: 0 }) ?? unknownEntry(e.whenTrue, { id, branch: 0 })), ...(listOf(e.whenFalse, self, { id, branch: 1 }) ?? unknownEntry(e.whenFalse, { id, branch: 1 }))];
    }
    if (T.isBinaryExpression(e) && (e.operatorToken.kind === T.SyntaxKind.AmpersandAmpersandToken || e.operatorToken.kind === T.SyntaxKind.BarBarToken || e.operatorToken.kind === T.SyntaxKind.QuestionQuestionToken)) {
      const id = ++conditionIds;
      return listOf(e.right, self, { id, branch: 0 }) ?? unknownEntry(e.right, { id, branch: 0 });
    }
    return listOf(e, self, condition) ?? unknownEntry(e, condition);
  };

  const unknownEntry = (e: ts.Expression, condition: StackEntryFact['condition']): StackEntryFact[] => [
    { kind: 'unknown', value: e.getText(sf).slice(0, 80), range: rangeOf(e, sf), ...(condition ? { condition } : {}) },
  ];

  /** The entries of a list-valued expression, or undefined when it is not recognisably a list. */
  const listOf = (expr: ts.Expression, self: string, condition?: StackEntryFact['condition']): StackEntryFact[] | undefined => {
    const e = unwrap(expr);
    if (T.isArrayLiteralExpression(e)) {
      const arrayRange = rangeOf(e, sf);
      return e.elements.flatMap((el) => element(el, arrayRange, self, condition));
    }
    const name = dotted(e);
    if (name !== undefined) return spread(e, self, condition, rangeOf(e, sf));
    // A.concat(B, [C]) and [...].concat(...)
    if (T.isCallExpression(e) && T.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'concat') {
      const head = listOf(e.expression.expression, self, condition);
      if (!head) return undefined;
      const rest = e.arguments.flatMap((arg) => {
        const inner = unwrap(arg);
        return T.isArrayLiteralExpression(inner) || dotted(inner) !== undefined ? (listOf(inner, self, condition) ?? []) : element(inner, undefined, self, condition);
      });
      return [...head, ...rest];
    }
    if (T.isConditionalExpression(e)) return spread(e, self, condition, rangeOf(e, sf));
    return undefined;
  };

  const declare = (name: string, init: ts.Expression, nameNode: ts.Node, whole: ts.Node, exported: boolean): void => {
    if (!isCandidate(name)) return;
    const entries = listOf(init, name);
    if (!entries) return;
    lists.set(name, { name, entries, nameRange: rangeOf(nameNode, sf), range: rangeOf(whole, sf), exported });
  };

  /** The list an edit applies to: a local one, or an imported setting edited in place. */
  const target = (name: string, node: ts.Node): ExportedListState | undefined => {
    const known = lists.get(name);
    if (known) return known;
    if (!settingNames.has(name)) return undefined;
    const created: ExportedListState = { name, entries: [{ kind: 'spread', value: name, range: rangeOf(node, sf) }], nameRange: rangeOf(node, sf), range: rangeOf(node, sf), exported: false };
    lists.set(name, created);
    return created;
  };

  /** A literal index, or `LIST.indexOf('x') [+ n]` evaluated against the list as it stands. */
  const indexOf = (expr: ts.Expression, list: ListState): number | undefined => {
    const e = unwrap(expr);
    if (T.isNumericLiteral(e)) return Number(e.text);
    if (T.isPrefixUnaryExpression(e) && e.operator === T.SyntaxKind.MinusToken && T.isNumericLiteral(e.operand)) return list.entries.length - Number(e.operand.text);
    if (T.isBinaryExpression(e) && (e.operatorToken.kind === T.SyntaxKind.PlusToken || e.operatorToken.kind === T.SyntaxKind.MinusToken)) {
      const left = indexOf(e.left, list);
      const right = unwrap(e.right);
      if (left === undefined || left < 0 || !T.isNumericLiteral(right)) return undefined;
      return e.operatorToken.kind === T.SyntaxKind.PlusToken ? left + Number(right.text) : left - Number(right.text);
    }
    if (T.isCallExpression(e) && T.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'indexOf' && dotted(e.expression.expression) === list.name) {
      const arg = e.arguments[0] && unwrap(e.arguments[0]);
      if (!arg) return undefined;
      const wanted = T.isStringLiteral(arg) ? arg.text : dotted(arg);
      if (list.entries.some((x) => x.kind === 'spread' || x.kind === 'unknown')) return undefined;
      const found = list.entries.findIndex((x) => x.value === wanted);
      return found >= 0 ? found : -1;
    }
    return undefined;
  };

  const edit = (call: ts.CallExpression, condition: StackEntryFact['condition']): boolean => {
    if (!T.isPropertyAccessExpression(call.expression)) return false;
    const listName = dotted(call.expression.expression);
    const method = call.expression.name.text;
    if (listName === undefined || !['push', 'unshift', 'splice'].includes(method)) return false;
    const list = target(listName, call.expression.expression);
    if (!list) return false;
    const items = (args: readonly ts.Expression[]) => args.flatMap((a) => element(a, undefined, listName, condition));
    if (method === 'push') list.entries.push(...items(call.arguments));
    else if (method === 'unshift') list.entries.unshift(...items(call.arguments));
    else {
      const [startArg, countArg, ...rest] = call.arguments;
      const start = startArg ? indexOf(startArg, list) : undefined;
      const count = countArg ? unwrap(countArg) : undefined;
      const deleteCount = count && T.isNumericLiteral(count) ? Number(count.text) : undefined;
      const spreadsBefore = start !== undefined && list.entries.slice(0, Math.max(0, start)).some((x) => x.kind === 'spread' || x.kind === 'unknown');
      if (start !== undefined && start >= 0 && start <= list.entries.length && deleteCount !== undefined && !spreadsBefore && !condition) {
        list.entries.splice(start, deleteCount, ...items(rest));
      } else {
        // Where the new entries land (or what is removed) is not known here.
        if (deleteCount !== 0) list.entries.push({ kind: 'unknown', value: call.getText(sf).slice(0, 80), range: rangeOf(call, sf), positionUnknown: true });
        list.entries.push(...items(rest).map((x) => ({ ...x, positionUnknown: true })));
      }
    }
    return true;
  };

  const statement = (st: ts.Statement, condition: StackEntryFact['condition']): void => {
    if (T.isVariableStatement(st) && !condition) {
      const exported = !!T.getModifiers(st)?.some((m) => m.kind === T.SyntaxKind.ExportKeyword);
      for (const d of st.declarationList.declarations) {
        if (T.isIdentifier(d.name) && d.initializer) declare(d.name.text, d.initializer, d.name, d, exported);
      }
      return;
    }
    if (T.isExportDeclaration(st) && st.exportClause && T.isNamedExports(st.exportClause) && !st.moduleSpecifier) {
      for (const el of st.exportClause.elements) exportedNames.add((el.propertyName ?? el.name).text);
      return;
    }
    if (T.isIfStatement(st)) {
      const id = ++conditionIds;
      const branch = (s: ts.Statement | undefined, b: number) => {
        if (!s) return;
        for (const inner of T.isBlock(s) ? s.statements : [s]) statement(inner, { id, branch: b });
      };
      branch(st.thenStatement, 0);
      branch(st.elseStatement, 1);
      return;
    }
    if (!T.isExpressionStatement(st)) return;
    const e = unwrap(st.expression);
    if (T.isCallExpression(e)) {
      edit(e, condition);
      return;
    }
    if (T.isBinaryExpression(e) && e.operatorToken.kind === T.SyntaxKind.EqualsToken) {
      const left = dotted(unwrap(e.left));
      if (left === undefined) return;
      // module.exports.MIDDLEWARE = [...] / exports.MIDDLEWARE = [...]
      const cjs = /^(?:module\.)?exports\.(\w+)$/.exec(left);
      const name = cjs ? cjs[1]! : left;
      if (name.includes('.')) return;
      if (condition) {
        // A reassignment in one branch: the list is one of two; keep the first, mark the other's entries conditional.
        const list = lists.get(name);
        const entries = list && listOf(e.right, name, condition);
        if (list && entries) list.entries.push(...entries.filter((x) => !list.entries.some((y) => y.range.start === x.range.start)).map((x) => ({ ...x, condition })));
        return;
      }
      const existing = lists.get(name);
      if (existing) {
        const entries = listOf(e.right, name);
        if (entries) existing.entries = entries;
        else existing.entries = [{ kind: 'unknown', value: e.right.getText(sf).slice(0, 80), range: rangeOf(e.right, sf) }];
      } else declare(name, e.right, e.left, st, cjs !== null);
    }
  };

  for (const st of sf.statements) statement(st, undefined);
  collectConstants(sf, constants);

  const stacks: StackFact[] = [];
  for (const list of lists.values()) {
    const exported = list.exported || exportedNames.has(list.name);
    const role = settingNames.has(list.name) ? 'setting' : 'fragment';
    if (role === 'fragment' && !exported) continue;
    stacks.push({ setting: list.name, role, nameRange: list.nameRange, range: list.range, exported, entries: list.entries });
  }
  return { stacks, constants };
}

/** Top-level UPPER_CASE constants with a literal value (e.g. CSRF_USE_SESSIONS, MESSAGE_STORAGE). */
function collectConstants(sf: ts.SourceFile, out: Record<string, string | number | boolean>): Record<string, string | number | boolean> {
  for (const st of sf.statements) {
    if (!T.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!T.isIdentifier(d.name) || !/^[A-Z][A-Z0-9_]*$/.test(d.name.text) || !d.initializer) continue;
      const v = literalValue(unwrap(d.initializer));
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[d.name.text] = v;
    }
  }
  return out;
}

type Literal = string | number | boolean | null | Literal[] | { [key: string]: Literal };

/**
 * The value of a literal written in the source — a string (any quotes, a template without
 * substitutions), a number, a boolean, `null`, or an array or plain object of those — else
 * undefined. Formatting, quotes and trailing commas do not show in the value.
 */
function literalValue(expr: ts.Expression): Literal | undefined {
  const e = stripParens(expr);
  if (T.isStringLiteral(e) || T.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (T.isNumericLiteral(e)) return numberOf(e.text);
  if (T.isPrefixUnaryExpression(e) && (e.operator === T.SyntaxKind.MinusToken || e.operator === T.SyntaxKind.PlusToken)) {
    const operand = stripParens(e.operand);
    const n = T.isNumericLiteral(operand) ? numberOf(operand.text) : undefined;
    return n === undefined ? undefined : e.operator === T.SyntaxKind.MinusToken ? -n : n;
  }
  if (e.kind === T.SyntaxKind.TrueKeyword) return true;
  if (e.kind === T.SyntaxKind.FalseKeyword) return false;
  if (e.kind === T.SyntaxKind.NullKeyword) return null;
  if (T.isArrayLiteralExpression(e)) {
    const items: Literal[] = [];
    for (const el of e.elements) {
      // Holes and spreads are not literals.
      const v = T.isOmittedExpression(el) || T.isSpreadElement(el) ? undefined : literalValue(el);
      if (v === undefined) return undefined;
      items.push(v);
    }
    return items;
  }
  if (T.isObjectLiteralExpression(e)) {
    const props = new Map<string, Literal>();
    for (const p of e.properties) {
      // Shorthands, spreads, methods, accessors and computed keys are not literals.
      if (!T.isPropertyAssignment(p)) return undefined;
      const key = T.isIdentifier(p.name) || T.isStringLiteral(p.name) ? p.name.text : T.isNumericLiteral(p.name) ? numberOf(p.name.text) : undefined;
      // `__proto__: x` sets the prototype, not a property.
      if (key === undefined || key === '__proto__') return undefined;
      const v = literalValue(p.initializer);
      if (v === undefined) return undefined;
      props.set(String(key), v); // a repeated key: the last one wins, as at run time
    }
    return Object.fromEntries([...props].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return undefined;
}

/** A numeric literal's value (separators, hex, octal and binary forms read as numbers), if finite. */
function numberOf(text: string): number | undefined {
  const n = Number(text.replace(/_/g, ''));
  return Number.isFinite(n) ? n : undefined;
}

/** A call's arguments as canonical JSON when every one is a literal (object keys sorted), else undefined. */
export function literalArguments(args: readonly ts.Expression[]): string | undefined {
  const values: Literal[] = [];
  for (const arg of args) {
    const v = T.isSpreadElement(arg) ? undefined : literalValue(arg);
    if (v === undefined) return undefined;
    values.push(v);
  }
  return JSON.stringify(values);
}
