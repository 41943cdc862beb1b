/**
 * Small readers of tree-sitter-python nodes: ranges, dotted names, and the values of literals as
 * Python evaluates them (string escapes and prefixes, implicit concatenation, number forms).
 */
import type { Node } from 'web-tree-sitter';
import type { Range } from '../../model.js';

export function rangeOf(node: Node): Range {
  return { start: node.startIndex, end: node.endIndex };
}

/** Deeper than this, an expression is not evaluated (nothing real nests literals that deep). */
export const MAX_DEPTH = 64;

/** The node without the parentheses around it (`((x))` → `x`); a parenthesized splat or yield stays. */
export function unwrap(node: Node): Node {
  let cur = node;
  while (cur.type === 'parenthesized_expression') {
    const inner = items(cur);
    if (inner.length !== 1 || inner[0]!.type === 'list_splat' || inner[0]!.type === 'yield') break;
    cur = inner[0]!;
  }
  return cur;
}

/** The named children that are not comments (comments are named nodes anywhere in tree-sitter). */
export function items(node: Node): Node[] {
  return node.namedChildren.filter((c) => c.type !== 'comment');
}

/** `a`, `a.b.c` for an identifier or a chain of attribute accesses, else undefined. */
export function dotted(node: Node): string | undefined {
  const parts: string[] = [];
  let cur: Node | null = unwrap(node);
  while (cur && cur.type === 'attribute') {
    const attr = cur.childForFieldName('attribute');
    if (!attr || attr.type !== 'identifier') return undefined;
    parts.unshift(attr.text);
    const object: Node | null = cur.childForFieldName('object');
    cur = object && unwrap(object);
  }
  if (!cur || cur.type !== 'identifier') return undefined;
  parts.unshift(cur.text);
  return parts.join('.');
}

/** The dotted name of a `dotted_name` node (`a.b.c`), without the spaces Python allows around dots. */
export function dottedName(node: Node): string {
  return node.namedChildren.map((c) => c.text).join('.');
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Decodes the backslash escapes of a non-raw string body; undefined for `\N{...}` (needs Unicode names). */
function decodeEscapes(body: string, bytes: boolean): string | undefined {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) return undefined;
    if (next === '\n') {
      i += 1;
      continue;
    }
    if (next === '\r') {
      i += body[i + 2] === '\n' ? 2 : 1;
      continue;
    }
    if (next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
      i += 1;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      out += String.fromCodePoint(parseInt(octal[0], 8));
      i += octal[0].length;
      continue;
    }
    const hexLength = next === 'x' ? 2 : !bytes && next === 'u' ? 4 : !bytes && next === 'U' ? 8 : 0;
    if (hexLength) {
      const hex = body.slice(i + 2, i + 2 + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += 1 + hexLength;
      continue;
    }
    if (next === 'N' && !bytes) return undefined;
    // Python keeps an unknown escape as written (with a warning).
    out += ch;
  }
  return out;
}

/**
 * The value of a `str` literal: one string or an implicit concatenation (`"a" "b"`), with any
 * prefix but `b` (bytes) and without interpolations (an f-string with `{x}` has no literal value).
 */
export function stringValue(node: Node): string | undefined {
  const n = unwrap(node);
  if (n.type === 'concatenated_string') {
    let out = '';
    for (const part of items(n)) {
      const v = stringValue(part);
      if (v === undefined) return undefined;
      out += v;
    }
    return out;
  }
  if (n.type !== 'string') return undefined;
  const start = n.firstChild;
  const end = n.lastChild;
  if (!start || !end || start.type !== 'string_start' || end.type !== 'string_end') return undefined;
  const quote = /['"]+$/.exec(start.text);
  if (!quote) return undefined; // a Python 2 backquote
  const prefix = start.text.slice(0, start.text.length - quote[0].length).toLowerCase();
  // Bytes are not text; `ur` is Python 2 only.
  if (prefix.includes('b') || (prefix.includes('u') && prefix.length > 1)) return undefined;
  const formatted = prefix.includes('f') || prefix.includes('t');
  if (formatted && n.namedChildren.some((c) => c.type === 'interpolation')) return undefined;
  let body = sliceText(n, start.endIndex, end.startIndex);
  if (formatted) body = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  return prefix.includes('r') ? body : decodeEscapes(body, false);
}

/** The source text between two offsets of the node's tree. */
function sliceText(node: Node, start: number, end: number): string {
  // Node#text slices the parsed string; offsets relative to the node give the same slice.
  const whole = node.text;
  return whole.slice(start - node.startIndex, end - node.startIndex);
}

/** The value of an integer or float literal (`0x1F`, `1_000`, `1e3`); undefined for `10L`, `1j`, leading zeros. */
export function numberValue(node: Node): number | undefined {
  const n = unwrap(node);
  if (n.type === 'unary_operator') {
    const op = n.childForFieldName('operator')?.type;
    const arg = n.childForFieldName('argument');
    const v = arg && (op === '-' || op === '+') ? numberValue(arg) : undefined;
    return v === undefined ? undefined : op === '-' ? -v : v;
  }
  if (n.type !== 'integer' && n.type !== 'float') return undefined;
  const raw = n.text.replace(/_/g, '');
  if (n.type === 'integer') {
    if (/^0[xX][0-9a-fA-F]+$/.test(raw)) return parseInt(raw.slice(2), 16);
    if (/^0[oO][0-7]+$/.test(raw)) return parseInt(raw.slice(2), 8);
    if (/^0[bB][01]+$/.test(raw)) return parseInt(raw.slice(2), 2);
    if (/^(?:0+|[1-9]\d*)$/.test(raw)) return Number(raw);
    return undefined;
  }
  if (/[jJ]$/.test(raw)) return undefined;
  const v = Number(raw);
  return Number.isFinite(v) ? v : undefined;
}

export type Literal = string | number | boolean | null | Literal[] | { [key: string]: Literal };

/**
 * The value of a literal as Python builds it — strings, numbers, `True`/`False`/`None`, and lists,
 * tuples and dicts of those (keys as strings, sorted, the last of a repeated key winning) — else
 * undefined. Formatting, quotes and trailing commas do not show in the value.
 */
export function literalValue(node: Node, depth = 0): Literal | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const n = unwrap(node);
  switch (n.type) {
    case 'string':
    case 'concatenated_string':
      return stringValue(n);
    case 'integer':
    case 'float':
    case 'unary_operator':
      return numberValue(n);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'none':
      return null;
    case 'list':
    case 'tuple': {
      const out: Literal[] = [];
      for (const el of items(n)) {
        const v = literalValue(el, depth + 1);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    case 'dictionary': {
      const props = new Map<string, Literal>();
      for (const pair of items(n)) {
        if (pair.type !== 'pair') return undefined;
        const keyNode = pair.childForFieldName('key');
        const valueNode = pair.childForFieldName('value');
        const key = keyNode && literalValue(keyNode, depth + 1);
        if (typeof key !== 'string' && typeof key !== 'number') return undefined;
        const v = valueNode && literalValue(valueNode, depth + 1);
        if (v === undefined) return undefined;
        props.set(String(key), v);
      }
      return Object.fromEntries([...props].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    default:
      return undefined;
  }
}
