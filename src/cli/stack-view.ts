import { createColors } from 'picocolors';
import { BUILTINS } from '../knowledge/django.js';
import type { Stack, StackEntry } from '../link/stacks.js';
import type { Diagnostic } from '../model.js';
import { LineIndex } from '../text.js';
import { displayPath } from './files.js';

export interface Layer {
  index: number;
  label: string;
  entry: string;
  origin: { kind: 'built-in' | 'project' | 'external' | 'unresolved' | 'unknown'; file?: string; line?: number; source?: string };
  sets: string[];
  needs: string[];
  hooks: string[];
  conditional: boolean;
  problems: Array<{ ruleId: string | null; severity: 'error' | 'warning'; message: string }>;
}

export interface OnionPicture {
  setting: string;
  file: string;
  line: number;
  layers: Layer[];
  /** Problems of the stack as a whole (reported at its name). */
  problems: Layer['problems'];
  /** Hook order as Django runs them. */
  processView: string[];
  processException: string[];
  processTemplateResponse: string[];
}

const HOOK_NAMES = {
  processView: 'process_view',
  processException: 'process_exception',
  processTemplateResponse: 'process_template_response',
  processRequest: 'process_request',
  processResponse: 'process_response',
} as const;

function hooksOf(entry: StackEntry): string[] {
  const r = entry.resolution;
  if (r.kind === 'project') return Object.keys(r.unit.hooks);
  if (r.kind === 'builtin' || (r.kind === 'external' && r.known)) return [...(r.known?.hooks ?? [])];
  return [];
}

/** Builds the picture of one stack: each layer with its origin, what it sets and needs, its problems. */
export function buildPicture(stack: Stack, diagnostics: Diagnostic[], textOf: (path: string) => string | undefined, cwd: string): OnionPicture {
  const lineIn = (file: string, offset: number) => {
    const text = textOf(file);
    return text === undefined ? 0 : new LineIndex(text).position(offset).line;
  };
  const problem = (d: Diagnostic) => ({ ruleId: d.ruleId, severity: d.severity === 2 ? ('error' as const) : ('warning' as const), message: d.message });
  const used = new Set<Diagnostic>();
  // A read of what no layer sets (request.path, request.headers) comes from the server, not the onion.
  const setHere = new Set(stack.entries.flatMap((e) => e.sets));
  const layers: Layer[] = stack.entries.map((entry, i) => {
    const r = entry.resolution;
    const origin: Layer['origin'] =
      r.kind === 'builtin'
        ? // The knowledge base also describes packages (django-cors-headers, WhiteNoise): they are not Django's own.
          r.known.path.startsWith('django.')
          ? { kind: 'built-in' }
          : { kind: 'external', source: r.known.path.split('.')[0]! }
        : r.kind === 'project'
          ? { kind: 'project', file: displayPath(r.filePath, cwd), line: lineIn(r.filePath, r.unit.nameRange.start) }
          : r.kind === 'external'
            ? { kind: 'external', source: r.source }
            : r.kind === 'unresolved'
              ? { kind: 'unresolved' }
              : { kind: 'unknown' };
    const mine = diagnostics.filter((d) => d.filePath === entry.filePath && d.range.start >= entry.fact.range.start && d.range.start < entry.fact.range.end);
    for (const d of mine) used.add(d);
    return {
      index: i + 1,
      label: entry.label,
      entry: entry.fact.value,
      origin,
      sets: entry.sets,
      needs: entry.needs.map((n) => n.attribute).filter((a) => setHere.has(a) || BUILTINS.some((b) => b.sets.includes(a))),
      hooks: hooksOf(entry),
      conditional: entry.fact.condition !== undefined,
      problems: mine.map(problem),
    };
  });
  const withHook = (hook: keyof typeof HOOK_NAMES) => layers.filter((l) => l.hooks.includes(hook)).map((l) => `${l.index} ${l.label}`);
  return {
    setting: stack.setting,
    file: displayPath(stack.filePath, cwd),
    line: lineIn(stack.filePath, stack.nameRange.start),
    layers,
    problems: diagnostics.filter((d) => !used.has(d) && d.filePath === stack.filePath && d.range.start >= stack.nameRange.start && d.range.start < stack.nameRange.end).map(problem),
    processView: withHook('processView'),
    processException: withHook('processException').reverse(),
    processTemplateResponse: withHook('processTemplateResponse').reverse(),
  };
}

/** The onion in the terminal: the request going down through each layer, the response coming back up. */
export function renderPicture(p: OnionPicture, color: boolean): string {
  const c = createColors(color);
  const out: string[] = [];
  out.push(c.bold(`${p.setting}`) + c.dim(`  ${p.file}:${p.line}  ${p.layers.length} layer${p.layers.length === 1 ? '' : 's'}`));
  for (const pr of p.problems) out.push(`  ${pr.severity === 'error' ? c.red('✖') : c.yellow('⚠')} ${pr.message} ${c.dim(pr.ruleId ?? '')}`);
  out.push('');
  const width = Math.max(12, ...p.layers.map((l) => l.label.length));
  out.push(c.dim(`     request ↓${' '.repeat(width + 14)}↑ response`));
  for (const layer of p.layers) {
    const origin =
      layer.origin.kind === 'project'
        ? `${layer.origin.file}:${layer.origin.line}`
        : layer.origin.kind === 'external'
          ? `external (${layer.origin.source})`
          : layer.origin.kind;
    const bad = layer.problems.some((x) => x.severity === 'error');
    const name = bad ? c.red(layer.label.padEnd(width)) : layer.label.padEnd(width);
    out.push(`  ${String(layer.index).padStart(2)} │ ${name}  ${c.dim(origin)}${layer.conditional ? c.dim('  (in some configurations)') : ''}`);
    const facts: string[] = [];
    if (layer.sets.length) facts.push(`sets request.${layer.sets.join(', request.')}`);
    if (layer.needs.length) facts.push(`needs request.${layer.needs.join(', request.')}`);
    if (layer.hooks.length) facts.push(`hooks: ${layer.hooks.map((h) => HOOK_NAMES[h as keyof typeof HOOK_NAMES] ?? h).join(', ')}`);
    if (facts.length) out.push(`     │ ${' '.repeat(2)}${c.dim(facts.join(' · '))}`);
    for (const pr of layer.problems) out.push(`     │   ${pr.severity === 'error' ? c.red('✖') : c.yellow('⚠')} ${pr.message} ${c.dim(pr.ruleId ?? '')}`);
  }
  out.push(`     │ ${c.bold('the view')}`);
  out.push(c.dim(`     └─ the request half of each layer runs top-down (1 → ${p.layers.length}); the response half bottom-up (${p.layers.length} → 1)`));
  out.push('');
  out.push(`process_view (top-down, after URL resolution, before the view): ${p.processView.join(' → ') || 'none'}`);
  out.push(`process_exception (bottom-up, when the view raises): ${p.processException.join(' → ') || 'none'}`);
  out.push(`process_template_response (bottom-up, for responses with render()): ${p.processTemplateResponse.join(' → ') || 'none'}`);
  return `${out.join('\n')}\n`;
}
