import { defineUnitRule } from '../src/rules/api.js';
import { nextLabel, valueIsOnly } from '../src/rules/unit-helpers.js';

/** The view ran, and its response is thrown away for another one. */
export default defineUnitRule({
  meta: {
    id: 'no-discarded-response',
    description: "A handler that calls the next layer does not throw its response away.",
    scope: 'unit',
    severity: 'warn',
    recommended: true,
    messages: {
      discarded:
        '`{{name}}` calls `{{next}}` but returns a different response here without using the one it got: the view ran and its response is thrown away. Return the next layer\'s response, or do not call it on this path.',
    },
  },
  check(ctx) {
    const { handler } = ctx.unit;
    if (!handler) return;
    for (const exit of handler.exits) {
      if (exit.kind !== 'return' || !valueIsOnly(exit, ['response'])) continue;
      if (exit.nextCalls.includes(0) || !exit.nextResultDropped) continue;
      ctx.report({ messageId: 'discarded', data: { name: handler.name, next: nextLabel(ctx.unit) }, range: exit.range });
    }
  },
});
