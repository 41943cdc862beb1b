/**
 * Whether a Python file parses, and if not, its first problem: one fatal message, as Python 3
 * would put it where it can. tree-sitter recovers from errors (ERROR and MISSING nodes) and its
 * grammar also accepts some Python 2 (`print "x"`, `exec "x"`, `except E, e:`, `0644`, backquotes,
 * `<>`) and an empty block: all of these are syntax errors to Python 3, so all are fatal here.
 */
import type { Node } from 'web-tree-sitter';
import type { SyntaxProblem } from '../../model.js';

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set(Object.values(OPENERS));

/** The first syntax problem of the file, or undefined when Python 3 would compile it. */
export function syntaxProblem(root: Node, text: string): SyntaxProblem | undefined {
  const found = [treeError(root, text), python2Construct(root, text), mayHaveEmptyBlock(text) ? emptyBlock(root) : undefined].filter((p): p is SyntaxProblem => p !== undefined);
  found.sort((a, b) => a.range.start - b.range.start);
  return found[0];
}

function problem(message: string, node: Node | { startIndex: number; endIndex: number }): SyntaxProblem {
  return { message: `Parsing error: ${message}`, range: { start: node.startIndex, end: node.endIndex } };
}

/** The first ERROR or MISSING node in document order (only subtrees that contain an error are entered). */
function treeError(root: Node, text: string): SyntaxProblem | undefined {
  if (!root.hasError && !root.isError && !root.isMissing) return undefined;
  const stack: Node[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.isMissing) {
      const what = node.isNamed ? node.type.replace(/_/g, ' ') : `'${node.type}'`;
      return problem(`invalid syntax: expected ${what}`, node);
    }
    if (node.isError) return errorNode(node, text);
    if (!node.hasError) continue;
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return undefined;
}

/**
 * What an ERROR node holds: a template tag where it starts, an unclosed or unmatched bracket, an
 * error further in (recovery may wrap a long run of good statements in one ERROR), or invalid text.
 */
function errorNode(node: Node, text: string): SyntaxProblem {
  // The ERROR starts at the `{` of `{%`, or just after it (`{` then began a set, `%` failed).
  const tagAt = [node.startIndex, node.startIndex - 1].find((at) => at >= 0 && /^\{[%{#]$/.test(text.slice(at, at + 2)));
  if (tagAt !== undefined) {
    return problem(`invalid syntax: \`${text.slice(tagAt, tagAt + 2)}\` is template syntax, not Python (a templated file cannot be linted)`, { startIndex: tagAt, endIndex: tagAt + 2 });
  }
  const open: Node[] = [];
  for (const token of node.descendantsOfType(['(', '[', '{', ')', ']', '}'])) {
    if (token.type in OPENERS) open.push(token);
    else if (CLOSERS.has(token.type)) {
      const top = open[open.length - 1];
      if (top && OPENERS[top.type] === token.type) open.pop();
      else return problem(`unmatched '${token.type}'`, token);
    }
  }
  const unclosed = open[open.length - 1];
  if (unclosed) return problem(`'${unclosed.type}' was never closed`, unclosed);
  const inner = node.children.find((c) => c.isError || c.isMissing || c.hasError);
  const further = inner && treeError(inner, text);
  if (further) return further;
  const firstLine = text.slice(node.startIndex, node.endIndex).trim().split(/\r?\n/)[0]!;
  const shown = firstLine.length > 40 ? `${firstLine.slice(0, 40)}…` : firstLine;
  return problem(`invalid syntax: \`${shown}\``, node);
}

const LEADING_ZERO = /^0[0-9_]*[1-9]/;

/** The first Python 2 construct the grammar accepted (each searched only when the text hints at it). */
function python2Construct(root: Node, text: string): SyntaxProblem | undefined {
  const found: SyntaxProblem[] = [];
  const first = (types: string | string[], test: (n: Node) => boolean = () => true) => root.descendantsOfType(types).find(test);
  if (/\b(?:print|exec)\b/.test(text)) {
    // `print >>f, x` is a valid Python 3 expression (a tuple that fails at run time), not a statement.
    const st = first(['print_statement', 'exec_statement'], (n) => !n.namedChildren.some((c) => c.type === 'chevron'));
    if (st) {
      const name = st.type === 'print_statement' ? 'print' : 'exec';
      found.push(problem(`Missing parentheses in call to '${name}'. Did you mean ${name}(...)? (Python 2 syntax)`, st));
    }
  }
  // Only when some number in the text looks like one (strings and comments may match too).
  if (/(?<![\w.])0[0-9_]*[1-9]|\b\d+[lL]\b/.test(text)) {
    const n = first('integer', (i) => LEADING_ZERO.test(i.text) || /[lL]$/.test(i.text));
    if (n) {
      found.push(
        problem(
          /[lL]$/.test(n.text) ? 'invalid decimal literal (the `L` suffix is Python 2 syntax)' : 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers',
          n,
        ),
      );
    }
  }
  if (text.includes('`')) {
    const n = first('string_start', (s) => s.text === '`');
    if (n) found.push(problem('invalid syntax: backquotes are Python 2 syntax; use repr()', n));
  }
  if (/\b[uU][rR]['"]/.test(text)) {
    const n = first('string_start', (s) => /^[uU][rR]/.test(s.text));
    if (n) found.push(problem('invalid syntax: the string prefix `ur` is Python 2 syntax', n));
  }
  if (text.includes('<>')) {
    const n = first('<>');
    if (n) found.push(problem('invalid syntax: `<>` is Python 2 syntax; use `!=`', n));
  }
  if (/\bexcept\b[^:\n]*,/.test(text)) {
    const n = first('except_clause', (c) => c.children.some((t) => t.type === ','));
    if (n) found.push(problem('multiple exception types must be parenthesized (`except E, e:` is Python 2 syntax; use `except E as e:`)', n));
  }
  if (/\braise\b[^\n]*,/.test(text)) {
    const n = first('raise_statement', (r) => r.namedChildren.some((c) => c.type === 'expression_list'));
    if (n) found.push(problem('invalid syntax: `raise E, value` is Python 2 syntax; use `raise E(value)`', n));
  }
  found.sort((a, b) => a.range.start - b.range.start);
  return found[0];
}

/**
 * Whether the text may hold an empty block, which needs a line ending in `:` (before any comment)
 * whose next line with code is not indented deeper, or is missing. Cheap, and conservative: a colon
 * inside a string or a bracket only costs the tree search below.
 */
function mayHaveEmptyBlock(text: string): boolean {
  const lines = text.split(/\r\n|\r|\n/);
  const indent = (line: string) => line.length - line.trimStart().length;
  for (let i = 0; i < lines.length; i++) {
    if (!/:\s*(?:#.*)?$/.test(lines[i]!)) continue;
    let next = i + 1;
    while (next < lines.length && /^\s*(?:#.*)?$/.test(lines[next]!)) next++;
    if (next === lines.length || indent(lines[next]!) <= indent(lines[i]!)) return true;
  }
  return false;
}

/** A block with no statement (`class A:` followed by nothing indented, or only a comment). */
function emptyBlock(root: Node): SyntaxProblem | undefined {
  const block = root.descendantsOfType('block').find((b) => b.startIndex === b.endIndex);
  return block ? problem('expected an indented block', block) : undefined;
}
