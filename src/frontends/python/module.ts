/**
 * A Python module's imports, exports and top-level declarations.
 *
 * How Python's names map onto the model (the link step reads them with these meanings):
 * - `import a.b.c` → ImportFact `{ local: 'a.b.c', imported: '*', source: 'a.b.c' }`: the dotted
 *   name as written stands for that module (Python binds `a` and makes `a.b.c` reachable through it);
 *   `import a.b as m` → `{ local: 'm', imported: '*', source: 'a.b' }`.
 * - `from .base import X as Y` → `{ local: 'Y', imported: 'X', source: '.base' }`; relative sources
 *   keep their dots (`.`, `..settings`), absolute ones are dotted module paths.
 * - `from .base import *` → `{ local: '*', imported: '*', source: '.base' }`: it binds every public
 *   name of the module, which only the link step can list.
 * - Python has no export list: every name bound at module level can be imported from it. Each one
 *   is an ExportFact `{ exported: n, local: n }`; a name that is only imported here is a re-export
 *   (`{ exported: 'Y', source: '.base', imported: 'X' }`, `imported: '*'` for a module), and a star
 *   import re-exports everything (`{ exported: '*', source: '.base' }`), as `export *` does in
 *   link/resolve.ts. (`__all__` and the underscore rule limit only what `import *` copies.)
 * Statements inside module-level `if`/`try`/`with`/`for`/`while`/`match` bind module names too and
 * are included; bodies of functions and classes are not.
 */
import type { Node } from 'web-tree-sitter';
import type { ExportFact, ImportFact, Range } from '../../model.js';
import { dottedName, items, rangeOf } from './syntax.js';

/** The parts of compound statements that hold blocks of statements. */
const CLAUSES = new Set(['elif_clause', 'else_clause', 'except_clause', 'except_group_clause', 'finally_clause', 'case_clause']);

/** Statements that hold blocks of statements running in the module's scope. */
const COMPOUND = new Set(['if_statement', 'try_statement', 'with_statement', 'for_statement', 'while_statement', 'match_statement']);

/** The blocks of a compound statement in source order (`if` → consequence, elifs, else; `try` → body, handlers, else, finally). */
export function blocksOf(statement: Node): Node[] {
  const out: Node[] = [];
  if (!COMPOUND.has(statement.type)) return out;
  const visit = (node: Node) => {
    for (const child of node.namedChildren) {
      if (child.type === 'block') {
        // A match statement's body is a block of case clauses, each with its own block.
        if (node === statement && statement.type === 'match_statement') visit(child);
        else out.push(child);
      } else if (CLAUSES.has(child.type)) visit(child);
    }
  };
  visit(statement);
  return out;
}

/** Every module-level statement in source order, those nested in compound statements included. */
export function moduleStatements(root: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[][] = [items(root).reverse()];
  while (stack.length) {
    const level = stack[stack.length - 1]!;
    const st = level.pop();
    if (!st) {
      stack.pop();
      continue;
    }
    out.push(st);
    const blocks = blocksOf(st);
    if (blocks.length) stack.push(blocks.flatMap((b) => items(b)).reverse());
  }
  return out;
}

/** The module an import-from names, as written: `.base`, `..`, `proj.settings.base`. */
export function importSource(statement: Node): string | undefined {
  const module = statement.childForFieldName('module_name');
  if (!module) return undefined;
  if (module.type === 'dotted_name') return dottedName(module);
  // relative_import: the dots, then an optional dotted name.
  let source = '';
  for (const part of module.namedChildren) source += part.type === 'import_prefix' ? part.text.replace(/\s+/g, '') : dottedName(part);
  return source;
}

/** The imports of one import statement (none for `from __future__ import ...`). */
export function importsOf(statement: Node): ImportFact[] {
  const out: ImportFact[] = [];
  if (statement.type === 'import_statement') {
    for (const name of statement.childrenForFieldName('name')) {
      if (name.type === 'aliased_import') {
        const module = name.childForFieldName('name');
        const alias = name.childForFieldName('alias');
        if (module && alias) out.push({ local: alias.text, imported: '*', source: dottedName(module), range: rangeOf(name) });
      } else if (name.type === 'dotted_name') {
        const module = dottedName(name);
        out.push({ local: module, imported: '*', source: module, range: rangeOf(name) });
      }
    }
  } else if (statement.type === 'import_from_statement') {
    const source = importSource(statement);
    if (source === undefined) return out;
    if (statement.namedChildren.some((c) => c.type === 'wildcard_import')) {
      out.push({ local: '*', imported: '*', source, range: rangeOf(statement) });
      return out;
    }
    for (const name of statement.childrenForFieldName('name')) {
      if (name.type === 'aliased_import') {
        const imported = name.childForFieldName('name');
        const alias = name.childForFieldName('alias');
        if (imported && alias) out.push({ local: alias.text, imported: dottedName(imported), source, range: rangeOf(name) });
      } else if (name.type === 'dotted_name') {
        const imported = dottedName(name);
        out.push({ local: imported, imported, source, range: rangeOf(name) });
      }
    }
  }
  return out;
}

/** The identifiers an assignment target binds (`a`, `a, b`, `[a, (b, c)]`, `*rest`); attributes and subscripts bind none. */
export function targetNames(target: Node): Node[] {
  switch (target.type) {
    case 'identifier':
      return [target];
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'expression_list':
    case 'list_splat_pattern':
    case 'parenthesized_expression':
    case 'list_splat':
      return items(target).flatMap(targetNames);
    default:
      return [];
  }
}

/** The targets of a (possibly chained) assignment `a = b = value`, and the value. */
export function assignmentParts(assignment: Node): { targets: Node[]; value: Node | null } {
  const targets: Node[] = [];
  let cur: Node | null = assignment;
  while (cur && cur.type === 'assignment') {
    const left = cur.childForFieldName('left');
    if (left) targets.push(left);
    cur = cur.childForFieldName('right');
  }
  return { targets, value: cur };
}

/** The names a module-level statement binds locally (imports aside), with the node to point at. */
function localBindings(statement: Node): Array<{ name: string; node: Node }> {
  switch (statement.type) {
    case 'class_definition':
    case 'function_definition': {
      const name = statement.childForFieldName('name');
      return name ? [{ name: name.text, node: statement }] : [];
    }
    case 'decorated_definition': {
      const name = statement.childForFieldName('definition')?.childForFieldName('name');
      return name ? [{ name: name.text, node: statement }] : [];
    }
    case 'expression_statement': {
      const out: Array<{ name: string; node: Node }> = [];
      for (const expr of statement.namedChildren) {
        const targets = expr.type === 'assignment' ? assignmentParts(expr).targets : expr.type === 'augmented_assignment' ? [expr.childForFieldName('left')!] : [];
        for (const t of targets) for (const id of targetNames(t)) out.push({ name: id.text, node: statement });
      }
      return out;
    }
    case 'for_statement': {
      const left = statement.childForFieldName('left');
      return left ? targetNames(left).map((id) => ({ name: id.text, node: statement })) : [];
    }
    default:
      return [];
  }
}

export interface ModuleFacts {
  imports: ImportFact[];
  exports: ExportFact[];
  declarations: Record<string, Range>;
}

/** Imports, exports and declarations of the module (see the module comment for their meaning). */
export function collectModule(root: Node): ModuleFacts {
  const imports: ImportFact[] = [];
  const declarations: Record<string, Range> = {};
  const exports: ExportFact[] = [];
  const exported = new Set<string>();
  const starSources: string[] = [];
  for (const st of moduleStatements(root)) {
    if (st.type === 'import_statement' || st.type === 'import_from_statement') {
      imports.push(...importsOf(st));
      continue;
    }
    for (const { name, node } of localBindings(st)) {
      if (!(name in declarations)) declarations[name] = rangeOf(node);
      if (!exported.has(name)) {
        exported.add(name);
        exports.push({ exported: name, local: name });
      }
    }
  }
  for (const imp of imports) {
    if (imp.local === '*') {
      if (!starSources.includes(imp.source)) starSources.push(imp.source);
      continue;
    }
    // `import a.b` binds `a`; a local binding of the same name wins (it is the module's own).
    const name = imp.imported === '*' && imp.local === imp.source ? imp.local.split('.')[0]! : imp.local;
    if (exported.has(name)) continue;
    exported.add(name);
    exports.push(imp.imported === '*' ? { exported: name, source: imp.local === imp.source ? name : imp.source, imported: '*' } : { exported: name, source: imp.source, imported: imp.imported });
  }
  for (const source of starSources) exports.push({ exported: '*', source });
  return { imports, exports, declarations };
}
