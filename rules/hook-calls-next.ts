import { defineUnitRule } from '../src/rules/api.js';
import { mixinRunsHooks, spellingOf } from '../src/rules/unit-helpers.js';

/**
 * `process_request` and `process_view` run before the next layer is reached; calling it from
 * inside them runs the inner layers (and the view) within the hook, and then again.
 */
export default defineUnitRule({
  meta: {
    id: 'hook-calls-next',
    description: '`process_request` and `process_view` never call the next layer themselves.',
    scope: 'unit',
    severity: 'error',
    recommended: true,
    messages: {
      processRequest:
        "`{{name}}` calls the next layer (`{{next}}`) itself, before `MiddlewareMixin` does: when the hook then returns `None`, the inner layers and the view run twice; under ASGI the call gives an un-awaited coroutine, and returned it fails in the layers above (`AttributeError: 'coroutine' object has no attribute ...`). Return `None` to continue, and work on the response in `process_response`.",
      processView:
        '`{{name}}` calls the next layer (`{{next}}`) itself: Django calls `process_view` from the innermost layer, so this runs the inner layers again and reaches the hooks once more; the view runs more than once, or the calls recurse until `RecursionError`. Return `{{continueValue}}` to continue, or a response to answer without the view.',
    },
  },
  check(ctx) {
    const linked = ctx.unit;
    const { unit } = linked;
    if (unit.kind !== 'class') return;
    // The fields known to hold the next layer: stored by this class or its bases, or the mixin's own.
    const spelling = spellingOf(linked);
    const fields = new Set([...linked.nextFields, ...(linked.mixinChain ? ['get_response'] : [])]);
    for (const hook of ['processRequest', 'processView'] as const) {
      const summary = unit.hooks[hook];
      if (!summary) continue;
      // Django calls process_request only through MiddlewareMixin.
      if (hook === 'processRequest' && !mixinRunsHooks(linked)) continue;
      // A class whose own handler calls the hook decides what the hook is for.
      const method = summary.name.slice(summary.name.lastIndexOf('.') + 1);
      if (linked.handler?.thisCalls.some((c) => c.name === method)) continue;
      for (const call of summary.thisCalls) {
        if (!summary.nextMembers.includes(call.name) || !fields.has(call.name)) continue;
        ctx.report({ messageId: hook, data: { name: summary.name, next: `${spelling.self}.${call.name}`, continueValue: spelling.continueValue }, range: call.range });
      }
    }
  },
});
