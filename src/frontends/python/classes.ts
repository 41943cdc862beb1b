/**
 * The module-level classes and functions of a Python module, whatever they hold
 * (FileFacts.pythonClasses, pythonFunctions): what
 * Django's start-up does with a listed class depends on its bases and its `__init__` alone
 * (`middleware(get_response)`), so the link step reads these to prove `TypeError`s at start-up.
 */
import type { Node } from 'web-tree-sitter';
import type { PythonClass } from '../../model.js';
import { parameterName, parametersOf } from './flow.js';
import { moduleStatements } from './module.js';
import { dotted, items, rangeOf } from './syntax.js';
import { methodsOf } from './units.js';

/** Every class and function a module binds at module level. */
export function collectPythonDefinitions(root: Node): { classes: PythonClass[]; functions: Array<{ name: string; firstParam?: string }> } {
  const out: PythonClass[] = [];
  const functions: Array<{ name: string; firstParam?: string }> = [];
  for (const st of moduleStatements(root)) {
    const decorated = st.type === 'decorated_definition';
    const node = decorated ? st.childForFieldName('definition') : st;
    if (node?.type === 'function_definition') {
      const name = node.childForFieldName('name')?.text;
      const first = parametersOf(node)[0];
      const firstParam = first && parameterName(first);
      if (name !== undefined) functions.push({ name, ...(firstParam !== undefined ? { firstParam } : {}) });
      continue;
    }
    if (node?.type !== 'class_definition') continue;
    const nameNode = node.childForFieldName('name');
    if (!nameNode) continue;
    const superclasses = node.childForFieldName('superclasses');
    const args = superclasses ? items(superclasses) : [];
    const names = args.filter((a) => a.type !== 'keyword_argument').map((a) => dotted(a));
    const metaclass = args.some((a) => a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat');
    const methods = methodsOf(node);
    const init = methods.get('__init__');
    out.push({
      name: nameNode.text,
      nameRange: rangeOf(nameNode),
      bases: names.every((n) => n !== undefined) ? (names as string[]).filter((n) => n !== 'object') : undefined,
      ...(init ? { init: initShape(init) } : {}),
      methods: [...methods.keys()],
      unusual: decorated || metaclass || methods.has('__new__') || (init !== undefined && init.parent?.type === 'decorated_definition'),
    });
  }
  return { classes: out, functions };
}

/** `__init__`'s positional parameters after `self`. */
function initShape(init: Node): NonNullable<PythonClass['init']> {
  const params = init.childForFieldName('parameters');
  const names: string[] = [];
  let required = 0;
  let accepts: number | null = 0;
  let first = true;
  for (const p of params ? items(params) : []) {
    // `*args: T` and `**kw: T` are typed parameters around the splat.
    const kind = p.type === 'typed_parameter' ? (p.namedChildren[0]?.type ?? p.type) : p.type;
    if (kind === 'keyword_separator' || kind === 'dictionary_splat_pattern') break;
    if (kind === 'positional_separator') continue;
    if (kind === 'list_splat_pattern') {
      accepts = null;
      break;
    }
    if (first) {
      first = false; // self
      continue;
    }
    const hasDefault = p.type === 'default_parameter' || p.type === 'typed_default_parameter';
    const name = hasDefault ? p.childForFieldName('name')?.text : p.type === 'typed_parameter' ? p.namedChildren[0]?.text : p.text;
    names.push(name ?? '?');
    if (!hasDefault) required++;
    accepts++;
  }
  return { names, required, accepts };
}
