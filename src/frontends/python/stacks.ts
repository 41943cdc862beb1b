/**
 * The settings lists of a Python module — `MIDDLEWARE`, `MIDDLEWARE_CLASSES`, `INSTALLED_APPS`
 * and the middleware/app lists they are built from — evaluated statement by statement as Python
 * runs the module, into the same StackFact shape the TypeScript front-end produces:
 *
 * - literal lists and tuples of dotted strings, module-level string constants used as entries,
 *   `+=`, `A = [X] + A + [Y]`, `list(A)` / `tuple(A)`, `.append/.extend/.insert/.remove/.pop/.clear`,
 *   index and slice edits and `del` (literal indexes or `A.index("x") ± k`), `[*A[:k], X, *A[k:]]`;
 * - a list this module does not define (`from .base import *` or `from .base import MIDDLEWARE`,
 *   then edited) starts as one `spread` entry of its own name: the name as bound at that point,
 *   i.e. by the last import before the entry's offset that binds it (by name, or by a star import
 *   whose module defines it), which the link step resolves. So does a setting or fragment list
 *   edited in place (`MIDDLEWARE += [...]`, `.append(...)`) that the module neither defines nor
 *   imports — a django-split-settings component runs in the including module's namespace — with
 *   the spread at the edit; a branch that does not edit it shares that one spread;
 * - django-split-settings `include("a.py", "components/*.py", optional("local.py"))` (with
 *   `include`/`optional` imported from `split_settings.tools`): one ImportFact per argument, in
 *   order, `{ local: '*', imported: '*', source: 'file:a.py' }` (`file?:` for `optional()`), paths
 *   as written, globs kept, for the link step; then each list may be rebound as by a star import,
 *   the spread placed at the end of the call. A path that is not a literal blurs every list;
 * - comprehension filters `[m for m in A if ...]` (and `list(m for m in A if ...)`) with `==`,
 *   `!=`, `in`, `not in`, `startswith`/`endswith` on string literals, `and`/`or`/`not`: evaluated
 *   entry by entry when A's entries are known; an entry of unknown string (a spread) becomes an
 *   `unknown` entry in its place; another filter form is one `unknown` value;
 * - django-environ `env.list("NAME", default=[...])` (`.tuple`) and django-configurations
 *   `values.ListValue([...])` / `TupleValue` / `BackendsValue`: the default's entries, then one
 *   `unknown` entry for what the environment may set (partial; the known entries keep their order);
 * - classes (django-configurations): each class body runs with the module's names readable; every
 *   setting list it sets (a `@property` of that name: one `unknown` entry) is a StackFact of its
 *   own after the module's, `exported: false`, nameRange at the attribute. `Base.MIDDLEWARE` is
 *   looked up through Base's MRO among this module's classes; a base from another module reached
 *   first gives one `unknown` entry;
 * - `if`/`elif`/`else`, `try`/`except`/`else`/`finally` and `match` branches are alternative
 *   configurations: each branch runs on its own copy, and where the results differ the differing
 *   middle parts become entries with `condition: { id, branch }` (never merged into one list);
 * - a star import after the module defined or edited a list may rebind it: the list becomes two
 *   alternatives, the star module's (a `spread` of the list's name at the import, branch 0) and the
 *   list so far (branch 1). `try: from .local import * except ImportError: pass` gives the same;
 * - what cannot be recovered makes the stack partial, never guessed: an edit whose position or
 *   target is unknown (inside a spread, after an entry of unknown length, in a loop, a `sort()`)
 *   turns spreads into `unknown` entries, marks the other entries `positionUnknown` and adds an
 *   `unknown` entry for the edit; an unknown value is one `unknown` entry. An entry that already
 *   had a condition and falls in a differing part of an outer branch becomes `unknown` (conditions
 *   do not nest in the model).
 * - an `insert` whose index this module cannot count (`MIDDLEWARE.insert(1, x)` or
 *   `insert(MIDDLEWARE.index("p") + 1, x)` after `from .base import *`) adds its entry last, with
 *   `positionUnknown` and a `placement` (the index, or the anchor and offset): the link step places it
 *   once the imported list is expanded, where every entry that decides the place is certain.
 */
import type { Node } from 'web-tree-sitter';
import type { FrontendOptions } from '../../config.js';
import type { ImportFact, Range, StackEntryFact, StackFact } from '../../model.js';
import { assignmentParts, importsOf, targetNames } from './module.js';
import { dotted, items, literalValue, MAX_DEPTH, numberValue, rangeOf, stringValue, unwrap, type Literal } from './syntax.js';
import { FRAGMENT_NAME, OTHER_SETTINGS, type ListState } from '../settings-names.js';

/** List methods that change the list in place. */
const EDITS = new Set(['append', 'extend', 'insert', 'remove', 'pop', 'clear', 'sort', 'reverse']);

/** Expressions that can be a string, number or boolean literal (others are not evaluated for constants). */
const SCALAR_TYPES = new Set(['string', 'concatenated_string', 'integer', 'float', 'true', 'false', 'unary_operator']);

type Condition = StackEntryFact['condition'];
type Scalar = string | number | boolean;


/** A class defined in the module, for `Class.NAME` lookups through its MRO (django-configurations). */
interface ClassInfo {
  name: string;
  /** The bases in order: a class of this module, or the text of one defined elsewhere (unknown). */
  bases: Array<ClassInfo | string>;
  /** The setting lists its body sets (a `@property` of that name: one unknown entry). */
  attributes: Map<string, ListState>;
}

/** What the module has bound so far: its tracked lists, its names with a known literal value, its classes. */
interface Env {
  lists: Map<string, ListState>;
  values: Map<string, Scalar>;
  classes: Map<string, ClassInfo>;
  /** In a class body: the module's bindings, which the body reads but does not change. */
  outer?: Env;
}

export interface PythonSettingsFacts {
  stacks: StackFact[];
  /** Top-level UPPER_CASE names whose literal value is certain at the end of the module. */
  constants: Record<string, Scalar>;
  /** One `file:` (or `file?:` for `optional()`) import per file a split_settings `include()` runs, in order. */
  includes: ImportFact[];
}

/** Evaluates the module's settings lists and constants (see the module comment). */
export function extractPythonStacks(root: Node, text: string, options: FrontendOptions): PythonSettingsFacts {
  const settingNames = new Set([...options.names.stack, ...OTHER_SETTINGS]);
  // A module whose text names no setting and no middleware or apps list declares no stack: only its constants are read.
  const lists = [...settingNames].some((n) => text.includes(n)) || /middleware|_APPS/i.test(text);
  const evaluator = new Evaluator(settingNames, lists);
  const env: Env = { lists: new Map(), values: new Map(), classes: new Map() };
  evaluator.run(items(root), env, false);
  // Lists of other names were followed only to be inlined where the stacks use them.
  const stacks: StackFact[] = [...env.lists.values()].filter((list) => evaluator.isCandidate(list.name)).map((list) => ({
    setting: list.name,
    role: evaluator.settingNames.has(list.name) ? 'setting' : 'fragment',
    nameRange: list.nameRange,
    range: list.range,
    // Every module-level name of a Python module can be imported from it.
    exported: true,
    entries: list.entries,
  }));
  // Settings classes after the module's own lists; a class attribute is not a module name.
  for (const list of evaluator.classStacks) stacks.push({ setting: list.name, role: 'setting', nameRange: list.nameRange, range: list.range, exported: false, entries: list.entries });
  const constants: Record<string, Scalar> = {};
  for (const [name, value] of env.values) if (/^[A-Z][A-Z0-9_]*$/.test(name)) constants[name] = value;
  return { stacks, constants, includes: evaluator.includes };
}

function isConcrete(e: StackEntryFact): boolean {
  return e.kind !== 'spread' && e.kind !== 'unknown' && !e.condition && !e.positionUnknown;
}

/** An entry placed under a condition; one that already has a condition cannot take a second: unknown. */
function conditioned(e: StackEntryFact, condition: Condition): StackEntryFact {
  if (!condition) return { ...e };
  if (!e.condition) return { ...e, condition };
  return { kind: 'unknown', value: e.value, range: e.range, condition, positionUnknown: true };
}

/** Replaces the entries [start, end) with others. */
function splice(list: ListState, start: number, end: number, added: StackEntryFact[]): void {
  list.entries = [...list.entries.slice(0, start), ...added, ...list.entries.slice(end)];
}

function sameEntries(a: StackEntryFact[], b: StackEntryFact[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function scalarOf(value: Literal | undefined): Scalar | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

class Evaluator {
  private conditionIds = 0;
  /** Names bound by `from m import NAME` / `import NAME` anywhere before. */
  private readonly imported = new Set<string>();
  private starImports = 0;
  /** Lists a star import may have rebound: the entries it produced and the entries before. */
  private readonly rebinds: Array<{ result: StackEntryFact[]; prior: StackEntryFact[] }> = [];
  /** Lists edited in place without being defined or imported here: a shared namespace's (split_settings). */
  private readonly external = new Set<string>();
  /** The spreads target() starts such lists with (one per edit site). */
  private readonly selfSpreads = new WeakSet<StackEntryFact>();
  /** The names `include` and `optional` of django-split-settings are bound to here. */
  private readonly includeNames = new Set<string>();
  private readonly optionalNames = new Set<string>();
  readonly includes: ImportFact[] = [];
  /** The setting lists set by class bodies, one per class and name. */
  readonly classStacks: ListState[] = [];

  constructor(
    readonly settingNames: Set<string>,
    /** Whether lists are followed at all (else only constants are). */
    private readonly lists: boolean,
  ) {}

  isCandidate(name: string): boolean {
    return this.lists && (this.settingNames.has(name) || FRAGMENT_NAME.test(name));
  }

  run(statements: Node[], env: Env, loop: boolean): void {
    for (const st of statements) this.statement(st, env, loop);
  }

  private statement(st: Node, env: Env, loop: boolean): void {
    switch (st.type) {
      case 'expression_statement':
        for (const expr of st.namedChildren) {
          if (expr.type === 'assignment') this.assign(st, expr, env, loop);
          else if (expr.type === 'augmented_assignment') this.augmentedAssign(st, expr, env, loop);
          else if (unwrap(expr).type === 'call' && !this.include(st, unwrap(expr), env)) this.callEdit(st, unwrap(expr), env, loop);
        }
        return;
      case 'delete_statement':
        for (const target of st.namedChildren.flatMap((t) => (t.type === 'expression_list' ? items(t) : [t]))) this.del(st, unwrap(target), env, loop);
        return;
      case 'import_statement':
      case 'import_from_statement':
        this.importStatement(st, env);
        return;
      case 'if_statement': {
        const bodies: Array<Node[] | null> = [];
        for (const child of st.namedChildren) {
          if (child.type === 'block') bodies.push(items(child));
          else if (child.type === 'elif_clause') bodies.push(items(child.childForFieldName('consequence')!));
          else if (child.type === 'else_clause') bodies.push(items(child.childForFieldName('body')!));
        }
        if (!st.namedChildren.some((c) => c.type === 'else_clause')) bodies.push(null);
        this.branches(st, bodies, env, loop);
        return;
      }
      case 'match_statement': {
        const body = st.childForFieldName('body');
        const cases = body ? body.namedChildren.filter((c) => c.type === 'case_clause') : [];
        const bodies: Array<Node[] | null> = cases.map((c) => items(c.childForFieldName('consequence')!));
        // Without a `case _:` (no guard), no case may match.
        const wildcard = cases.some((c) => !c.childForFieldName('guard') && c.namedChildren.some((p) => p.type === 'case_pattern' && p.text.trim() === '_'));
        if (!wildcard) bodies.push(null);
        this.branches(st, bodies, env, loop);
        return;
      }
      case 'try_statement':
        this.tryStatement(st, env, loop);
        return;
      case 'with_statement': {
        const body = st.childForFieldName('body');
        if (body) this.run(items(body), env, loop);
        return;
      }
      case 'for_statement':
      case 'while_statement': {
        const left = st.childForFieldName('left');
        for (const id of left ? targetNames(left) : []) this.unbind(id.text, id, env);
        const body = st.childForFieldName('body');
        if (body) this.run(items(body), env, true);
        const alternative = st.childForFieldName('alternative')?.childForFieldName('body');
        if (alternative) this.run(items(alternative), env, true);
        return;
      }
      case 'class_definition':
      case 'function_definition':
      case 'decorated_definition': {
        const def = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
        const name = def?.childForFieldName('name');
        if (def?.type === 'class_definition' && !env.outer && !loop && this.lists) this.classDefinition(def, env);
        if (name && env.outer && this.settingNames.has(name.text) && st.namedChildren.some((d) => d.type === 'decorator' && dotted(items(d)[0] ?? d) === 'property')) {
          // `@property def MIDDLEWARE(self)` in a settings class: computed when Django reads it.
          env.lists.set(name.text, { name: name.text, entries: [this.unknownEntry(def!, undefined)], nameRange: rangeOf(name), range: rangeOf(st) });
          return;
        }
        if (name) this.unbind(name.text, name, env);
        return;
      }
      default:
        return;
    }
  }

  /**
   * A class of the module (django-configurations settings): its body runs with the module's names
   * readable, and every setting list it sets is a stack of its own. `Base.MIDDLEWARE` is looked up
   * through the MRO (classAttribute).
   */
  private classDefinition(def: Node, env: Env): void {
    const name = def.childForFieldName('name')!.text;
    const bases: ClassInfo['bases'] = [];
    const superclasses = def.childForFieldName('superclasses');
    for (const base of superclasses ? items(superclasses) : []) {
      if (base.type === 'keyword_argument' || base.type === 'dictionary_splat') continue; // metaclass=...
      const baseName = dotted(base);
      if (baseName === 'object') continue;
      bases.push((baseName !== undefined && env.classes.get(baseName)) || base.text);
    }
    const classEnv: Env = { lists: new Map(), values: new Map(env.values), classes: env.classes, outer: env };
    const body = def.childForFieldName('body');
    if (body) this.run(items(body), classEnv, false);
    for (const list of classEnv.lists.values()) if (this.settingNames.has(list.name)) this.classStacks.push(list);
    env.classes.set(name, { name, bases, attributes: classEnv.lists });
  }

  /**
   * `Class.NAME` for a class of this module: the first class in its MRO that sets NAME gives the
   * entries; a base from elsewhere reached first, or no class setting it, gives one unknown entry.
   * Undefined when the name is not an attribute of a known class.
   */
  private classAttribute(name: string, node: Node, env: Env): StackEntryFact[] | undefined {
    const parts = name.split('.');
    const cls = parts.length === 2 ? env.classes.get(parts[0]!) : undefined;
    if (!cls) return undefined;
    for (const c of linearize(cls) ?? ['?']) {
      if (typeof c === 'string') break;
      const list = c.attributes.get(parts[1]!);
      if (list) return list.entries;
    }
    return [this.unknownEntry(node, undefined)];
  }

  /** A name rebound to something that is not a list this module can follow. */
  private unbind(name: string, node: Node, env: Env): void {
    env.values.delete(name);
    const list = env.lists.get(name);
    if (list) env.lists.set(name, { ...list, entries: [this.unknownEntry(node, undefined)] });
  }

  // ----- entries -----

  private unknownEntry(node: Node, condition: Condition, positionUnknown = false): StackEntryFact {
    return { kind: 'unknown', value: node.text.slice(0, 80), range: rangeOf(node), ...(condition ? { condition } : {}), ...(positionUnknown ? { positionUnknown } : {}) };
  }

  /** The string a node evaluates to: a literal, or a module-level name bound to one. */
  private stringOf(node: Node, env: Env): string | undefined {
    const e = unwrap(node);
    if (e.type === 'identifier') {
      const v = env.values.get(e.text);
      return typeof v === 'string' ? v : undefined;
    }
    return stringValue(e);
  }

  /** The entries one list element contributes (a splat may contribute several). */
  private element(el: Node, arrayRange: Range | undefined, condition: Condition, depth: number, env: Env): StackEntryFact[] {
    const e = unwrap(el);
    const base = (kind: StackEntryFact['kind'], value: string): StackEntryFact => ({
      kind,
      value,
      range: rangeOf(el),
      ...(condition ? { condition } : {}),
      ...(arrayRange ? { arrayRange } : {}),
    });
    switch (e.type) {
      case 'list_splat': {
        const inner = items(e)[0];
        return (inner && this.listOf(inner, condition, depth + 1, env)) ?? [this.unknownEntry(e, condition)];
      }
      case 'string':
      case 'concatenated_string': {
        const v = stringValue(e);
        return [v === undefined ? base('unknown', e.text.slice(0, 80)) : base('string', v)];
      }
      case 'identifier': {
        const v = env.values.get(e.text);
        if (typeof v === 'string') return [base('string', v)];
        // A number, or a list inside the list: not a dotted path.
        if (v !== undefined || env.lists.has(e.text)) return [base('unknown', e.text)];
        return [base('reference', e.text)];
      }
      case 'attribute': {
        const name = dotted(e);
        if (name !== undefined) return [base('reference', name)];
        // The grammar reads `[*a.b]` (one element, no comma) as the attribute `b` of `*a`.
        const splat = splatAttribute(e);
        return (splat !== undefined ? this.named(splat, e, condition, env) : undefined) ?? [base('unknown', e.text.slice(0, 80))];
      }
      case 'call': {
        const fn = e.childForFieldName('function');
        const callee = fn ? dotted(fn) : undefined;
        if (callee === undefined) return [base('unknown', e.text.slice(0, 80))];
        const args = literalArguments(e.childForFieldName('arguments'));
        return [{ ...base('call', callee), ...(args !== undefined ? { args } : {}) }];
      }
      default:
        return [base('unknown', e.text.slice(0, 80))];
    }
  }

  /** The entries of a list-valued expression, or undefined when it is not recognisably a list. */
  private listOf(expr: Node, condition: Condition, depth: number, env: Env): StackEntryFact[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const e = unwrap(expr);
    switch (e.type) {
      case 'list':
      case 'tuple':
      case 'expression_list': {
        const arrayRange = rangeOf(e);
        return items(e).flatMap((el) => this.element(el, arrayRange, condition, depth + 1, env));
      }
      case 'identifier':
      case 'attribute': {
        const name = dotted(e);
        return name === undefined ? undefined : this.named(name, e, condition, env);
      }
      case 'binary_operator': {
        // A + B + C is ((A + B) + C): walk down the left spine without recursion.
        const operands: Node[] = [];
        let cur: Node = e;
        while (cur.type === 'binary_operator' && cur.childForFieldName('operator')?.type === '+') {
          operands.unshift(cur.childForFieldName('right')!);
          cur = unwrap(cur.childForFieldName('left')!);
        }
        if (cur === e) return undefined;
        operands.unshift(cur);
        const parts = operands.map((op) => this.listOf(op, condition, depth + 1, env));
        if (parts.every((p) => p === undefined)) return undefined;
        return parts.flatMap((p, i) => p ?? [this.unknownEntry(operands[i]!, condition)]);
      }
      case 'call': {
        // list(A), tuple(A): a copy; list(m for m in A if ...) a filter.
        const fn = e.childForFieldName('function');
        const argsNode = e.childForFieldName('arguments');
        const args = argsNode?.type === 'generator_expression' ? [argsNode] : items(argsNode ?? e);
        const callee = fn ? dotted(fn) : undefined;
        if ((callee === 'list' || callee === 'tuple') && args.length === 1 && args[0]!.type !== 'keyword_argument') {
          return this.listOf(args[0]!, condition, depth + 1, env);
        }
        return callee === undefined ? undefined : this.overridable(e, callee, condition, depth, env);
      }
      case 'conditional_expression': {
        const [body, , alternative] = items(e);
        if (!body || !alternative) return undefined;
        const id = ++this.conditionIds;
        const either = (node: Node, branch: number) => this.listOf(node, { id, branch }, depth + 1, env) ?? [this.unknownEntry(node, { id, branch })];
        const entries = [...either(body, 0), ...either(alternative, 1)];
        return condition ? entries.map((x) => conditioned(x, condition)) : entries;
      }
      case 'list_comprehension':
      case 'generator_expression':
        return this.comprehension(e, condition, depth, env);
      case 'subscript': {
        const list = this.trackedList(e.childForFieldName('value'), env);
        const subscripts = e.childrenForFieldName('subscript');
        if (!list || subscripts.length !== 1 || subscripts[0]!.type !== 'slice') return undefined;
        const bounds = this.sliceBounds(subscripts[0]!, list, env);
        return bounds && list.entries.slice(bounds.start, bounds.end).map((x) => conditioned(x, condition));
      }
      default:
        return undefined;
    }
  }

  /**
   * A list with a default that the environment may replace: django-environ's
   * `env.list("NAME", default=[...])` (also `.tuple`) and django-configurations'
   * `values.ListValue([...])` / `TupleValue` / `BackendsValue` (default first or as `default=`).
   * The default's entries, then one unknown entry for what the environment may bring: the stack is
   * partial, the order of the known entries still counts. Undefined for other calls.
   */
  private overridable(call: Node, callee: string, condition: Condition, depth: number, env: Env): StackEntryFact[] | undefined {
    const argsNode = call.childForFieldName('arguments');
    const args = argsNode?.type === 'argument_list' ? items(argsNode) : [];
    const keyword = (name: string) => args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)?.childForFieldName('value') ?? undefined;
    const positional = args.filter((a) => a.type !== 'keyword_argument');
    let fallback: Node | undefined;
    if (/(?:^|\.)(?:ListValue|TupleValue|BackendsValue)$/.test(callee)) fallback = positional[0] ?? keyword('default');
    else if (/\.(?:list|tuple)$/.test(callee) && positional.length === 1 && stringValue(positional[0]!) !== undefined) fallback = keyword('default');
    if (!fallback) return undefined;
    const entries = this.listOf(fallback, condition, depth + 1, env) ?? [this.unknownEntry(fallback, condition)];
    return [...entries, this.unknownEntry(call, condition)];
  }

  /**
   * `[m for m in A if <filter>]` (or a generator in `list()`): the entries of A that the filter
   * keeps, when A is a list this module knows and the filter compares the item with string literals
   * (`==`, `!=`, `in`, `not in`, `startswith`/`endswith`, `and`/`or`/`not`). An entry whose string is
   * not known (a spread, a reference) becomes an unknown one in its place. Else undefined.
   */
  private comprehension(e: Node, condition: Condition, depth: number, env: Env): StackEntryFact[] | undefined {
    const body = e.childForFieldName('body');
    const clauses = items(e).filter((c) => c.id !== body?.id);
    const loop = clauses[0];
    if (!body || loop?.type !== 'for_in_clause' || loop.children.some((c) => c.type === 'async')) return undefined;
    const variable = unwrap(loop.childForFieldName('left')!);
    const sources = loop.childrenForFieldName('right');
    if (variable.type !== 'identifier' || unwrap(body).type !== 'identifier' || unwrap(body).text !== variable.text || sources.length !== 1) return undefined;
    const tests: Array<(value: string) => boolean> = [];
    for (const clause of clauses.slice(1)) {
      const test = clause.type === 'if_clause' && items(clause).length === 1 ? this.filter(items(clause)[0]!, variable.text, env, depth + 1) : undefined;
      if (!test) return undefined;
      tests.push(test);
    }
    const source = this.listOf(sources[0]!, condition, depth + 1, env);
    if (!source) return undefined;
    const out: StackEntryFact[] = [];
    for (const entry of source) {
      if (entry.kind === 'string') {
        if (tests.every((t) => t(entry.value))) out.push(entry);
      } else out.push(tests.length ? { ...entry, kind: 'unknown' } : entry);
    }
    return out;
  }

  /** A comprehension filter on the item `variable` as a predicate on its string, or undefined when not of a known form. */
  private filter(expr: Node, variable: string, env: Env, depth: number): ((value: string) => boolean) | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const e = unwrap(expr);
    const isItem = (n: Node) => unwrap(n).type === 'identifier' && unwrap(n).text === variable;
    const literal = (n: Node) => (isItem(n) ? undefined : this.stringOf(n, env));
    const literals = (n: Node): string[] | undefined => {
      const c = unwrap(n);
      if (!['tuple', 'list', 'set'].includes(c.type)) return undefined;
      const out = items(c).map(literal);
      return out.every((x) => x !== undefined) ? (out as string[]) : undefined;
    };
    switch (e.type) {
      case 'not_operator': {
        const inner = this.filter(e.childForFieldName('argument')!, variable, env, depth + 1);
        return inner && ((v) => !inner(v));
      }
      case 'boolean_operator': {
        const left = this.filter(e.childForFieldName('left')!, variable, env, depth + 1);
        const right = this.filter(e.childForFieldName('right')!, variable, env, depth + 1);
        if (!left || !right) return undefined;
        return e.childForFieldName('operator')?.type === 'and' ? (v) => left(v) && right(v) : (v) => left(v) || right(v);
      }
      case 'comparison_operator': {
        const operands = items(e);
        const operators = e.children.filter((c) => !c.isNamed);
        if (operands.length !== 2 || operators.length !== 1) return undefined;
        const op = operators[0]!.type;
        const [a, b] = operands as [Node, Node];
        if (op === '==' || op === '!=') {
          const value = isItem(a) ? literal(b) : isItem(b) ? literal(a) : undefined;
          if (value === undefined) return undefined;
          return op === '==' ? (v) => v === value : (v) => v !== value;
        }
        if (op !== 'in' && op !== 'not in') return undefined;
        let test: ((v: string) => boolean) | undefined;
        const within = isItem(a) ? literals(b) : undefined;
        const part = isItem(b) ? literal(a) : undefined;
        if (within) test = (v) => within.includes(v);
        else if (part !== undefined) test = (v) => v.includes(part);
        return test && (op === 'in' ? test : (v) => !test(v));
      }
      case 'call': {
        const fn = e.childForFieldName('function');
        const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
        const args = items(e.childForFieldName('arguments') ?? e);
        if (!fn || (method !== 'startswith' && method !== 'endswith') || !isItem(fn.childForFieldName('object')!) || args.length !== 1) return undefined;
        const single = literal(args[0]!);
        const options = single !== undefined ? [single] : unwrap(args[0]!).type === 'tuple' ? literals(args[0]!) : undefined;
        if (!options) return undefined;
        return method === 'startswith' ? (v) => options.some((o) => v.startsWith(o)) : (v) => options.some((o) => v.endsWith(o));
      }
      default:
        return undefined;
    }
  }

  /** The entries a list name stands for: a class attribute, a list of this module, or a spread of another module's. */
  private named(name: string, node: Node, condition: Condition, env: Env): StackEntryFact[] | undefined {
    if (env.values.has(name)) return undefined;
    const attribute = this.classAttribute(name, node, env);
    if (attribute) return attribute.map((x) => conditioned(x, condition));
    const local = env.lists.get(name) ?? env.outer?.lists.get(name);
    if (local) return local.entries.map((x) => conditioned(x, condition));
    return [{ kind: 'spread', value: name, range: rangeOf(node), ...(condition ? { condition } : {}) }];
  }

  private trackedList(node: Node | null, env: Env): ListState | undefined {
    const name = node ? dotted(node) : undefined;
    return name === undefined ? undefined : env.lists.get(name);
  }

  // ----- positions -----

  /**
   * The position (0..length) an index expression names, when it is the same in every
   * configuration: a literal counted from the start needs every entry before it concrete, one
   * counted from the end every entry from it on; `A.index("x")` needs a concrete first match.
   */
  private position(expr: Node, list: ListState, env: Env): number | undefined {
    const e = unwrap(expr);
    const entries = list.entries;
    const n = numberValue(e);
    if (n !== undefined) {
      if (!Number.isInteger(n)) return undefined;
      if (n >= 0) {
        const p = Math.min(n, entries.length);
        return entries.slice(0, p).every(isConcrete) ? p : undefined;
      }
      const p = Math.max(0, entries.length + n);
      return entries.slice(p).every(isConcrete) ? p : undefined;
    }
    if (e.type === 'call') {
      const fn = e.childForFieldName('function');
      const args = items(e.childForFieldName('arguments') ?? e);
      if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'index' || args.length !== 1) return undefined;
      if (dotted(fn.childForFieldName('object')!) !== list.name) return undefined;
      const value = this.stringOf(args[0]!, env);
      const found = value === undefined ? undefined : this.find(list, value, true);
      return found !== undefined && found >= 0 ? found : undefined;
    }
    if (e.type === 'binary_operator') {
      const op = e.childForFieldName('operator')?.type;
      const left = this.position(e.childForFieldName('left')!, list, env);
      const k = numberValue(e.childForFieldName('right')!);
      if (left === undefined || k === undefined || !Number.isInteger(k) || (op !== '+' && op !== '-')) return undefined;
      const p = op === '+' ? left + k : left - k;
      return p >= 0 && p <= entries.length && entries.slice(0, p).every(isConcrete) ? p : undefined;
    }
    return undefined;
  }

  /**
   * An insert position the link step can compute: an integer literal, or `A.index("lit") ± k` on the
   * list itself; undefined for anything else.
   */
  private placement(e: Node, list: ListState, env: Env): StackEntryFact['placement'] {
    e = unwrap(e);
    const n = numberValue(e);
    if (n !== undefined) return Number.isInteger(n) ? { index: n } : undefined;
    let offset = 0;
    if (e.type === 'binary_operator') {
      const op = e.childForFieldName('operator')?.type;
      const k = numberValue(e.childForFieldName('right')!);
      if ((op !== '+' && op !== '-') || k === undefined || !Number.isInteger(k)) return undefined;
      offset = op === '+' ? k : -k;
      e = unwrap(e.childForFieldName('left')!);
    }
    if (e.type !== 'call') return undefined;
    const fn = e.childForFieldName('function');
    const args = items(e.childForFieldName('arguments') ?? e);
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'index' || args.length !== 1) return undefined;
    if (dotted(fn.childForFieldName('object')!) !== list.name) return undefined;
    const anchor = this.stringOf(args[0]!, env);
    return anchor === undefined ? undefined : { anchor, offset };
  }

  /** The position of an existing, concrete item (`A[i]`, `del A[i]`, `A.pop(i)`). */
  private item(expr: Node, list: ListState, env: Env): number | undefined {
    const p = this.position(expr, list, env);
    return p !== undefined && p < list.entries.length && isConcrete(list.entries[p]!) ? p : undefined;
  }

  /** `[lo:hi]` as positions, when both are certain (a step makes it unknown). */
  private sliceBounds(slice: Node, list: ListState, env: Env): { start: number; end: number } | undefined {
    const parts: Array<Node | undefined> = [undefined, undefined, undefined];
    let part = 0;
    for (const child of slice.children) {
      if (child.type === ':') part++;
      else if (child.isNamed && child.type !== 'comment' && part < 3) parts[part] = child;
    }
    if (part > 1 && parts[2] !== undefined) return undefined;
    const start = parts[0] ? this.position(parts[0], list, env) : 0;
    const end = parts[1] ? this.position(parts[1], list, env) : list.entries.length;
    if (start === undefined || end === undefined) return undefined;
    return { start, end: Math.max(start, end) };
  }

  /**
   * The index of the first entry equal to `value`; -1 when every entry is a known string and none
   * is; undefined when an entry of unknown value (a spread, a reference) or a conditional match
   * comes first. For a position, a conditional entry before the match also makes it unknown.
   */
  private find(list: ListState, value: string, forPosition: boolean): number | undefined {
    for (let i = 0; i < list.entries.length; i++) {
      const e = list.entries[i]!;
      if (e.kind !== 'string') return undefined;
      if (e.value === value) return e.condition || e.positionUnknown ? undefined : i;
      if (forPosition && (e.condition || e.positionUnknown)) return undefined;
    }
    return -1;
  }

  // ----- edits -----

  /** The list an edit applies to: a tracked one, or an imported setting edited in place (a spread of itself). */
  private target(name: string, nameNode: Node, statement: Node, env: Env): ListState | undefined {
    const known = env.lists.get(name);
    if (known) return known;
    // In a class body an edit of a name the body did not set is an edit of the module's list: not followed.
    if (!this.isCandidate(name) || env.outer) return undefined;
    if (!this.imported.has(name) && this.starImports === 0) this.external.add(name);
    const spread: StackEntryFact = { kind: 'spread', value: name, range: rangeOf(nameNode) };
    this.selfSpreads.add(spread);
    const created: ListState = { name, entries: [spread], nameRange: rangeOf(nameNode), range: rangeOf(statement) };
    env.lists.set(name, created);
    return created;
  }

  /** An edit whose effect is not known: nothing in the list keeps a known place, and the stack is open. */
  private blur(list: ListState, node: Node): void {
    list.entries = [
      ...list.entries.map((e): StackEntryFact => (e.kind === 'spread' ? { kind: 'unknown', value: e.value, range: e.range, ...(e.condition ? { condition: e.condition } : {}), positionUnknown: true } : { ...e, positionUnknown: true })),
      this.unknownEntry(node, undefined, true),
    ];
  }

  /** An edit inside a loop: additions of unknown number and value, or anything else (blurred). */
  private loopEdit(list: ListState, node: Node, adds: boolean): void {
    if (adds) list.entries = [...list.entries, this.unknownEntry(node, undefined, true)];
    else this.blur(list, node);
  }

  private assign(statement: Node, assignment: Node, env: Env, loop: boolean): void {
    const { targets, value } = assignmentParts(assignment);
    if (!value) return; // an annotation without a value binds nothing
    for (const raw of targets) {
      const target = unwrap(raw);
      if (target.type === 'identifier') this.assignName(target, value, statement, env, loop);
      else if (target.type === 'subscript') this.assignItem(statement, target, value, env, loop);
      else for (const id of targetNames(target)) this.unbind(id.text, id, env);
    }
  }

  private assignName(nameNode: Node, value: Node, statement: Node, env: Env, loop: boolean): void {
    const name = nameNode.text;
    const scalar = loop || !SCALAR_TYPES.has(unwrap(value).type) ? undefined : scalarOf(literalValue(value));
    if (scalar === undefined) env.values.delete(name);
    else env.values.set(name, scalar);
    const existing = env.lists.get(name);
    // Other names are followed only from a list or tuple literal: to inline them where a stack uses them.
    const literal = this.lists && ['list', 'tuple', 'expression_list'].includes(unwrap(value).type);
    if (!existing && !this.isCandidate(name) && !literal) return;
    let entries = loop ? undefined : this.listOf(value, undefined, 0, env);
    if (entries === undefined) {
      if (!existing && !this.settingNames.has(name)) return;
      entries = [this.unknownEntry(value, undefined, loop)];
    }
    env.lists.set(name, existing ? { ...existing, entries } : { name, entries, nameRange: rangeOf(nameNode), range: rangeOf(statement) });
  }

  private augmentedAssign(statement: Node, node: Node, env: Env, loop: boolean): void {
    const left = unwrap(node.childForFieldName('left')!);
    const right = node.childForFieldName('right')!;
    const op = node.childForFieldName('operator')?.type;
    if (left.type === 'subscript') {
      const list = this.trackedList(left.childForFieldName('value'), env);
      if (list) this.blur(list, statement);
      return;
    }
    if (left.type !== 'identifier') return;
    env.values.delete(left.text);
    if (op !== '+=') {
      const list = env.lists.get(left.text);
      if (list) list.entries = [this.unknownEntry(node, undefined, loop)];
      return;
    }
    const list = this.target(left.text, left, statement, env);
    if (!list) return;
    if (loop) return this.loopEdit(list, statement, true);
    list.entries = [...list.entries, ...(this.listOf(right, undefined, 0, env) ?? [this.unknownEntry(right, undefined)])];
  }

  private callEdit(statement: Node, call: Node, env: Env, loop: boolean): void {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute') return;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const object = fn.childForFieldName('object')!;
    const name = dotted(object);
    if (name === undefined || !EDITS.has(method)) return;
    const list = this.target(name, object, statement, env);
    if (!list) return;
    const argsNode = call.childForFieldName('arguments');
    const args = argsNode ? items(argsNode) : [];
    if (args.some((a) => a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat') && method !== 'sort') return this.blur(list, statement);
    if (loop) return this.loopEdit(list, statement, method === 'append' || method === 'extend' || method === 'insert');
    const entries = list.entries;
    switch (method) {
      case 'append':
        if (args.length !== 1) return this.blur(list, statement);
        list.entries = [...entries, ...this.element(args[0]!, undefined, undefined, 0, env)];
        return;
      case 'extend':
        if (args.length !== 1) return this.blur(list, statement);
        list.entries = [...entries, ...(this.listOf(args[0]!, undefined, 0, env) ?? [this.unknownEntry(args[0]!, undefined)])];
        return;
      case 'insert': {
        if (args.length !== 2) return this.blur(list, statement);
        const added = this.element(args[1]!, undefined, undefined, 0, env);
        const at = this.position(args[0]!, list, env);
        if (at !== undefined) return splice(list, at, at, added);
        // Where it lands is unknown here: the entry is there, in no known place, unless the link step
        // can place it once the list this module imported is expanded (one entry, inserted last).
        const placement = added.length === 1 && !added[0]!.condition ? this.placement(args[0]!, list, env) : undefined;
        list.entries = [...entries, ...added.map((x) => ({ ...x, positionUnknown: true as const, ...(placement ? { placement } : {}) }))];
        return;
      }
      case 'remove': {
        const value = args.length === 1 ? this.stringOf(args[0]!, env) : undefined;
        const at = value === undefined ? undefined : this.find(list, value, false);
        if (at === undefined) return this.blur(list, statement);
        // -1: not in the list, Python raises ValueError at import; the list stays as written.
        if (at >= 0) splice(list, at, at + 1, []);
        return;
      }
      case 'pop': {
        const at = args.length === 0 ? (entries.length && isConcrete(entries[entries.length - 1]!) ? entries.length - 1 : undefined) : args.length === 1 ? this.item(args[0]!, list, env) : undefined;
        if (at === undefined) return this.blur(list, statement);
        splice(list, at, at + 1, []);
        return;
      }
      case 'clear':
        list.entries = [];
        return;
      case 'reverse':
        if (entries.every(isConcrete)) list.entries = [...entries].reverse();
        else this.blur(list, statement);
        return;
      default:
        // sort(): an order this front-end does not compute.
        this.blur(list, statement);
    }
  }

  /**
   * The list and the span that `A[i]` or `A[lo:hi]` names. When the span is not known (or in a
   * loop), the list is blurred and undefined returned.
   */
  private subscripted(statement: Node, target: Node, env: Env, loop: boolean): { list: ListState; start: number; end: number; slice: boolean } | undefined {
    const object = target.childForFieldName('value');
    const name = object ? dotted(object) : undefined;
    const list = name !== undefined && object ? this.target(name, object, statement, env) : undefined;
    if (!list) return undefined;
    const subscripts = target.childrenForFieldName('subscript');
    const sub = !loop && subscripts.length === 1 ? subscripts[0]! : undefined;
    const slice = sub?.type === 'slice';
    const at = sub && !slice ? this.item(sub, list, env) : undefined;
    const bounds = !sub ? undefined : slice ? this.sliceBounds(sub, list, env) : at === undefined ? undefined : { start: at, end: at + 1 };
    if (!bounds) {
      this.blur(list, statement);
      return undefined;
    }
    return { list, ...bounds, slice };
  }

  /** `A[i] = x`, `A[lo:hi] = [...]`. */
  private assignItem(statement: Node, target: Node, value: Node, env: Env, loop: boolean): void {
    const span = this.subscripted(statement, target, env, loop);
    if (!span) return;
    const added = span.slice ? this.listOf(value, undefined, 0, env) : this.element(value, undefined, undefined, 0, env);
    if (!added) return this.blur(span.list, statement);
    splice(span.list, span.start, span.end, added);
  }

  /** `del A[i]`, `del A[lo:hi]`, `del NAME`. */
  private del(statement: Node, target: Node, env: Env, loop: boolean): void {
    if (target.type === 'identifier') {
      env.values.delete(target.text);
      env.lists.delete(target.text);
      return;
    }
    if (target.type !== 'subscript') return;
    const span = this.subscripted(statement, target, env, loop);
    if (span) splice(span.list, span.start, span.end, []);
  }

  private importStatement(statement: Node, env: Env): void {
    for (const imp of importsOf(statement)) {
      if (imp.local === '*') {
        this.rebindAll(rangeOf(statement), env);
        continue;
      }
      this.splitSettingsImport(imp);
      const name = imp.imported === '*' && imp.local === imp.source ? imp.local.split('.')[0]! : imp.local;
      this.imported.add(name);
      env.values.delete(name);
      const list = env.lists.get(name);
      if (list) env.lists.set(name, { ...list, entries: [{ kind: 'spread', value: name, range: rangeOf(statement) }] });
    }
  }

  /** Binds `include` / `optional` of django-split-settings: imported by name, or through the module (`tools.include`). */
  private splitSettingsImport(imp: ImportFact): void {
    const tools =
      imp.source === 'split_settings.tools' && imp.imported === '*'
        ? imp.local
        : imp.source === 'split_settings' && imp.imported === 'tools'
          ? imp.local
          : imp.source === 'split_settings' && imp.imported === '*'
            ? `${imp.local}.tools`
            : undefined;
    if (tools !== undefined) {
      this.includeNames.add(`${tools}.include`);
      this.optionalNames.add(`${tools}.optional`);
    } else if (imp.source === 'split_settings.tools') {
      if (imp.imported === 'include') this.includeNames.add(imp.local);
      if (imp.imported === 'optional') this.optionalNames.add(imp.local);
    }
  }

  /**
   * A star import or a split_settings `include()`: any name may be rebound, no value stays certain,
   * and each list may be the other module's (a spread of its name at `at`) or stay as it was.
   */
  private rebindAll(at: Range, env: Env): void {
    this.starImports++;
    env.values.clear();
    for (const [name, list] of env.lists) {
      const id = ++this.conditionIds;
      const result: StackEntryFact[] = [{ kind: 'spread', value: name, range: at, condition: { id, branch: 0 } }, ...list.entries.map((e) => conditioned(e, { id, branch: 1 }))];
      this.rebinds.push({ result: [...result], prior: [...list.entries] });
      env.lists.set(name, { ...list, entries: result });
    }
  }

  /**
   * `include("a.py", "components/*.py", optional("local.py"), scope=globals())` of
   * django-split-settings: the files run in this module's namespace, in argument order. Each becomes
   * a `file:` import (paths as written, globs kept; `file?:` when optional) for the link step, and
   * the lists may be rebound as by a star import, at the end of the call. An argument that is not a
   * literal path may bind anything: every list is blurred. Returns false when the call is not an include.
   */
  private include(statement: Node, call: Node, env: Env): boolean {
    const callee = dotted(call.childForFieldName('function')!);
    if (callee === undefined || !this.includeNames.has(callee) || env.outer) return false;
    const args = call.childForFieldName('arguments');
    let unknown = false;
    for (const arg of args ? items(args) : []) {
      if (arg.type === 'keyword_argument') continue;
      const e = unwrap(arg);
      const fn = e.type === 'call' ? e.childForFieldName('function') : null;
      const inner = fn && this.optionalNames.has(dotted(fn) ?? '') ? items(e.childForFieldName('arguments') ?? e) : undefined;
      const path = inner ? (inner.length === 1 ? stringValue(inner[0]!) : undefined) : stringValue(e);
      if (path === undefined) unknown = true;
      else this.includes.push({ local: '*', imported: '*', source: `${inner ? 'file?:' : 'file:'}${path}`, range: rangeOf(arg) });
    }
    this.rebindAll({ start: statement.endIndex, end: statement.endIndex }, env);
    if (unknown) for (const list of env.lists.values()) this.blur(list, statement);
    return true;
  }

  // ----- branches -----

  private copy(env: Env): Env {
    return { ...env, lists: new Map([...env.lists].map(([k, s]) => [k, { ...s, entries: [...s.entries] }])), values: new Map(env.values), classes: new Map(env.classes) };
  }

  /** Runs each body (null: the branch that runs nothing) on its own copy, then joins the results into env. */
  private branches(statement: Node, bodies: Array<Node[] | null>, env: Env, loop: boolean): void {
    const results = bodies.map((body) => {
      const branch = this.copy(env);
      if (body) this.run(body, branch, loop);
      return branch;
    });
    this.join(statement, env, results);
  }

  private tryStatement(st: Node, env: Env, loop: boolean): void {
    const body = st.childForFieldName('body');
    const handlers: Node[] = [];
    let elseBody: Node | null = null;
    let finallyBody: Node | null = null;
    for (const child of st.namedChildren) {
      if (child.type === 'except_clause' || child.type === 'except_group_clause') {
        const block = child.namedChildren.find((c) => c.type === 'block');
        if (block) handlers.push(block);
      } else if (child.type === 'else_clause') elseBody = child.childForFieldName('body');
      else if (child.type === 'finally_clause') finallyBody = child.namedChildren.find((c) => c.type === 'block') ?? null;
    }
    // The body ran to its end (then `else`), or raised before any of its edits and a handler ran.
    const completed = this.copy(env);
    if (body) this.run(items(body), completed, loop);
    if (elseBody) this.run(items(elseBody), completed, loop);
    const results = [completed];
    for (const handler of handlers) {
      const branch = this.copy(env);
      this.run(items(handler), branch, loop);
      results.push(branch);
    }
    if (handlers.length) this.join(st, env, results);
    else {
      env.lists = completed.lists;
      env.values = completed.values;
      env.classes = completed.classes;
    }
    if (finallyBody) this.run(items(finallyBody), env, loop);
  }

  /** Joins the branch results of one statement into env (see the module comment). */
  private join(statement: Node, env: Env, results: Env[]): void {
    const names = new Set(results.flatMap((r) => [...r.lists.keys()]));
    const lists = new Map<string, ListState>();
    for (const name of names) {
      const before = env.lists.get(name);
      const first = before ?? results.map((r) => r.lists.get(name)).find((s) => s !== undefined)!;
      // A branch without the list leaves it as the module had it: Django's default, or imported.
      const outside = this.imported.has(name) || this.starImports > 0 || this.external.has(name);
      let branches = results.map((r) => r.lists.get(name)?.entries);
      // Branches that started the list with its own name's spread (an edit of a list from outside)
      // start from the same list, as does a branch without it: one spread they all share.
      const own = before ? undefined : branches.flatMap((b) => b ?? []).find((e) => this.selfSpreads.has(e));
      if (own) branches = branches.map((b) => b?.map((e) => (this.selfSpreads.has(e) ? own : e)));
      const absent: StackEntryFact[] = own
        ? [own]
        : (this.settingNames.has(name) || this.external.has(name)) && outside
          ? [{ kind: 'spread', value: name, range: { start: statement.startIndex, end: statement.startIndex } }]
          : [];
      const entries = this.joinEntries(branches.map((b) => b ?? absent));
      lists.set(name, { ...first, entries });
    }
    const values = new Map<string, Scalar>();
    for (const [name, value] of results[0]!.values) if (results.every((r) => r.values.get(name) === value)) values.set(name, value);
    // A class is known after the statement when every branch has the same one.
    const classes = new Map<string, ClassInfo>();
    for (const [name, info] of results[0]!.classes) if (results.every((r) => r.classes.get(name) === info)) classes.set(name, info);
    env.lists = lists;
    env.values = values;
    env.classes = classes;
  }

  private joinEntries(branches: StackEntryFact[][]): StackEntryFact[] {
    // A branch that left a list as it was before a star import that may rebind it adds no configuration.
    let alternatives = branches.filter((b, i) => !branches.some((other, j) => j !== i && this.rebinds.some((r) => sameEntries(r.result, other) && sameEntries(r.prior, b))));
    alternatives = alternatives.filter((b, i) => alternatives.findIndex((other) => sameEntries(other, b)) === i);
    if (alternatives.length === 1) return alternatives[0]!;
    // Entries every branch kept, in order, stay as they are; each branch's others get its condition.
    const common = alternatives.slice(1).reduce((acc, b) => commonSubsequence(acc, b), alternatives[0]!);
    const id = ++this.conditionIds;
    const cursors = alternatives.map(() => 0);
    const out: StackEntryFact[] = [];
    const emitUpTo = (anchor: StackEntryFact | undefined) => {
      alternatives.forEach((b, branch) => {
        const end = anchor === undefined ? b.length : b.indexOf(anchor, cursors[branch]);
        for (const e of b.slice(cursors[branch], end)) out.push(conditioned(e, { id, branch }));
        cursors[branch] = end + 1;
      });
      if (anchor) out.push(anchor);
    };
    for (const anchor of common) emitUpTo(anchor);
    emitUpTo(undefined);
    return out;
  }
}

/** `a.b.c` for an attribute chain whose root is the splat `*a` (see element()), else undefined. */
function splatAttribute(node: Node): string | undefined {
  const attributes: string[] = [];
  let cur = node;
  while (cur.type === 'attribute') {
    attributes.unshift(cur.childForFieldName('attribute')?.text ?? '');
    cur = cur.childForFieldName('object')!;
  }
  const inner = cur.type === 'list_splat' ? items(cur)[0] : undefined;
  const root = inner && dotted(inner);
  return root === undefined ? undefined : [root, ...attributes].join('.');
}

/** The C3 linearization (Python's MRO) of a class; a base from elsewhere is one opaque step. Undefined when Python would reject the bases. */
function linearize(cls: ClassInfo): Array<ClassInfo | string> | undefined {
  const sequences: Array<Array<ClassInfo | string>> = [];
  for (const base of cls.bases) {
    const order = typeof base === 'string' ? [base] : linearize(base);
    if (!order) return undefined;
    sequences.push([...order]);
  }
  sequences.push([...cls.bases]);
  const out: Array<ClassInfo | string> = [cls];
  while (sequences.some((s) => s.length)) {
    const head = sequences.find((s) => s.length && !sequences.some((o) => o.indexOf(s[0]!) > 0))?.[0];
    if (head === undefined) return undefined;
    out.push(head);
    for (const s of sequences) if (s[0] === head) s.shift();
  }
  return out;
}

/** Above this many comparisons, common entries are only the shared head and tail (no full alignment). */
const MAX_ALIGNMENT = 250_000;

/** A longest common subsequence of two entry lists, by identity (entries are distinct objects within a list). */
function commonSubsequence(a: StackEntryFact[], b: StackEntryFact[]): StackEntryFact[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const middle: StackEntryFact[] = [];
  if (midA.length && midB.length && midA.length * midB.length <= MAX_ALIGNMENT) {
    // lengths[i][j]: LCS length of midA[i..] and midB[j..].
    const lengths = Array.from({ length: midA.length + 1 }, () => new Uint32Array(midB.length + 1));
    for (let i = midA.length - 1; i >= 0; i--) {
      for (let j = midB.length - 1; j >= 0; j--) {
        lengths[i]![j] = midA[i] === midB[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
      }
    }
    for (let i = 0, j = 0; i < midA.length && j < midB.length; ) {
      if (midA[i] === midB[j]) {
        middle.push(midA[i]!);
        i++;
        j++;
      } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) i++;
      else j++;
    }
  }
  return [...a.slice(0, head), ...middle, ...a.slice(a.length - tail)];
}

/**
 * A call's arguments as canonical JSON when every one is a literal (dict keys sorted); keyword
 * arguments follow the positional ones as one `{"=": {...}}` object. Else undefined.
 */
function literalArguments(args: Node | null): string | undefined {
  if (!args || args.type !== 'argument_list') return undefined;
  const positional: Literal[] = [];
  const keywords = new Map<string, Literal>();
  for (const arg of items(args)) {
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name');
      const valueNode = arg.childForFieldName('value');
      const value = valueNode ? literalValue(valueNode) : undefined;
      if (!name || value === undefined) return undefined;
      keywords.set(name.text, value);
      continue;
    }
    const value = literalValue(arg);
    if (value === undefined) return undefined;
    positional.push(value);
  }
  if (keywords.size === 0) return JSON.stringify(positional);
  const sorted = Object.fromEntries([...keywords].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify([...positional, { '=': sorted }]);
}
