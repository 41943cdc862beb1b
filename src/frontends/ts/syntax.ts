import type { ts } from 'ts-morph';
import type { Range } from '../../model.js';
import { T } from './typescript.js';

/** A node's range without its leading trivia. */
export function rangeOf(node: ts.Node, sf: ts.SourceFile): Range {
  return { start: node.getStart(sf), end: node.getEnd() };
}

/** The expression under parentheses and type-only wrappers (`as`, `satisfies`, `!`, `<T>`). */
export function stripParens(e: ts.Expression): ts.Expression {
  let cur = e;
  for (;;) {
    if (T.isParenthesizedExpression(cur) || T.isAsExpression(cur) || T.isNonNullExpression(cur) || T.isSatisfiesExpression(cur) || T.isTypeAssertionExpression(cur)) cur = cur.expression;
    else return cur;
  }
}

/** `a.b.C` for identifiers and member chains of identifiers (from the syntax, so comments and line breaks do not show), else undefined. */
export function dotted(e: ts.Expression): string | undefined {
  if (T.isIdentifier(e)) return e.text;
  if (T.isPropertyAccessExpression(e) && T.isIdentifier(e.name)) {
    const head = dotted(e.expression);
    return head === undefined ? undefined : `${head}.${e.name.text}`;
  }
  return undefined;
}

/** The export a CommonJS assignment's target makes: `default` for `module.exports`, `x` for `exports.x` and `module.exports.x`. */
export function commonJsExportOf(target: ts.Expression): string | undefined {
  const name = dotted(stripParens(target));
  if (name === 'module.exports') return 'default';
  const m = name === undefined ? null : /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(name);
  return m ? m[1] : undefined;
}

/** The module a `require('m')` call (possibly awaited) loads. */
export function requireOf(e: ts.Expression): string | undefined {
  const inner = stripParens(T.isAwaitExpression(e) ? e.expression : e);
  if (!T.isCallExpression(inner) || !T.isIdentifier(inner.expression) || inner.expression.text !== 'require' || inner.arguments.length !== 1) return undefined;
  const arg = inner.arguments[0]!;
  return T.isStringLiteral(arg) || T.isNoSubstitutionTemplateLiteral(arg) ? arg.text : undefined;
}
