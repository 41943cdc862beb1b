import type { FunctionSummary, HookName, Signature } from '../src/model.js';
import { defineUnitRule } from '../src/rules/api.js';
import { mixinRunsHooks } from '../src/rules/unit-helpers.js';

/** How many positional arguments Django passes (after the instance), by hook. */
const ARGUMENTS: Record<HookName, { count: number; expected: string }> = {
  processRequest: { count: 1, expected: '(self, request)' },
  processView: { count: 4, expected: '(self, request, view_func, view_args, view_kwargs)' },
  processException: { count: 2, expected: '(self, request, exception)' },
  processTemplateResponse: { count: 2, expected: '(self, request, response)' },
  processResponse: { count: 2, expected: '(self, request, response)' },
};
const HANDLER = { count: 1, expected: '(self, request)' };

/** Python's list of names in a `missing ... argument(s)` error: `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'`. */
function nameList(names: string[]): string {
  const quoted = names.map((n) => `'${n}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

interface Mismatch {
  messageId: 'missingSelf' | 'fewerParameters' | 'extraRequired';
  error: string;
}

/** The TypeError Python raises when the function is called with `given` positional arguments, or undefined when it accepts them. */
function mismatch(signature: Signature, qualifiedName: string, given: number): Mismatch | undefined {
  if (signature.otherDecorators) return undefined;
  const bound = signature.binding === 'instance' || signature.binding === 'class';
  const passed = given + (bound ? 1 : 0);
  const total = signature.positional.length;
  const required = signature.positional.filter((p) => !p.hasDefault).length;
  if (passed > total && !signature.restPositional) {
    const takes = required === total ? plural(total, 'positional argument') : `from ${required} to ${total} positional arguments`;
    const error = `TypeError: ${qualifiedName}() takes ${takes} but ${passed} were given`;
    // `def process_request(request)`: the parameters Django fills, but no instance parameter before them.
    const first = signature.positional[0]?.name;
    const missingSelf = bound && total === given && first !== 'self' && first !== 'cls';
    return { messageId: missingSelf ? 'missingSelf' : 'fewerParameters', error };
  }
  const missing = signature.positional.slice(passed).filter((p) => !p.hasDefault).map((p) => p.name);
  if (missing.length > 0) return { messageId: 'extraRequired', error: `TypeError: ${qualifiedName}() missing ${plural(missing.length, 'required positional argument')}: ${nameList(missing)}` };
  if (signature.requiredKeywordOnly.length > 0) {
    const names = signature.requiredKeywordOnly;
    return { messageId: 'extraRequired', error: `TypeError: ${qualifiedName}() missing ${plural(names.length, 'required keyword-only argument')}: ${nameList(names)}` };
  }
  return undefined;
}

/**
 * A hook or handler whose parameters do not take what Django passes: Django calls them
 * positionally, so a missing `self` (or one parameter too many or too few) fails with a TypeError
 * each time the hook runs.
 */
export default defineUnitRule({
  meta: {
    id: 'hook-signature',
    description: 'Middleware hooks and handlers take the arguments Django passes them.',
    scope: 'unit',
    severity: 'error',
    recommended: true,
    messages: {
      missingSelf:
        '`{{name}}` has no `self` parameter: Django calls it on the instance, passing the instance and {{count}}, so it fails with `{{error}}` each time it runs. Add `self` first: `{{expected}}`.',
      fewerParameters:
        '`{{name}}` declares fewer parameters than Django passes ({{arguments}}): it fails with `{{error}}` each time it runs. Declare `{{expected}}`.',
      extraRequired:
        '`{{name}}` requires parameters Django never passes (it passes {{arguments}}): it fails with `{{error}}` each time it runs. Declare `{{expected}}`, or give the extra parameters defaults.',
    },
  },
  check(ctx) {
    const { unit } = ctx.unit;
    if (unit.kind !== 'class') return;
    const checks: Array<[FunctionSummary | undefined, { count: number; expected: string }]> = [[unit.handler, HANDLER]];
    for (const [hook, summary] of Object.entries(unit.hooks) as Array<[HookName, FunctionSummary]>) {
      // Django calls process_request / process_response only through MiddlewareMixin.
      if ((hook === 'processRequest' || hook === 'processResponse') && !mixinRunsHooks(ctx.unit)) continue;
      checks.push([summary, ARGUMENTS[hook]]);
    }
    for (const [summary, { count, expected }] of checks) {
      const signature = summary?.signature;
      if (!summary || !signature) continue;
      const found = mismatch(signature, summary.name, count);
      if (!found) continue;
      const bound = signature.binding !== 'static';
      ctx.report({
        messageId: found.messageId,
        data: {
          name: summary.name,
          error: found.error,
          // A static method takes no instance: the same parameters without `self`.
          expected: bound ? expected : expected.replace('self, ', ''),
          arguments: `${plural(count, 'argument')}${bound ? ' after `self`' : ''}`,
          count: plural(count, 'argument'),
        },
        range: signature.range,
      });
    }
  },
});
