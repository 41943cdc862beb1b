import { defineUnitRule } from '../src/rules/api.js';
import { nextLabel } from '../src/rules/unit-helpers.js';

/** Two calls of the next layer run the view twice: double writes, double charges. */
export default defineUnitRule({
  meta: {
    id: 'no-double-next',
    description: 'A middleware handler calls the next layer at most once per request.',
    scope: 'unit',
    severity: 'error',
    recommended: true,
    messages: {
      calledTwice:
        '`{{name}}` can reach this exit after calling `{{next}}` twice or more, so the view runs more than once for one request (double writes, double charges). Call `{{next}}` once and reuse its response.',
    },
  },
  check(ctx) {
    const { handler } = ctx.unit;
    if (!handler) return;
    for (const exit of handler.exits) {
      if (!exit.nextCalls.includes(2)) continue;
      ctx.report({ messageId: 'calledTwice', data: { name: handler.name, next: nextLabel(ctx.unit) }, range: exit.range });
    }
  },
});
