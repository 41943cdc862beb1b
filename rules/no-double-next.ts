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
    contracts: ['django', 'onion'],
    messages: {
      koaCalledTwice:
        'Koa middleware `{{name}}` can reach this exit after calling `{{next}}()` twice or more: the second call rejects with `Error: next() called multiple times` (Koa counts a call whose promise rejected too), and Koa answers `500 Internal Server Error`. Call `{{next}}()` once per request.',
      honoCalledTwice:
        'Hono middleware `{{name}}` can reach this exit after calling `{{next}}()` twice or more: the second call rejects with `Error: next() called multiple times`, which goes to `app.onError` (by default `500 Internal Server Error`). Call `{{next}}()` once per request.',
      trpcCalledTwice:
        'tRPC middleware `{{name}}` can reach this exit after calling `{{next}}()` twice or more: tRPC has no guard, so the middlewares below it and the procedure\'s resolver run once per call (a mutation executes twice). Call `{{next}}()` once and return its result.',
      calledTwice:
        '`{{name}}` can reach this exit after calling `{{next}}` twice or more, so the view runs more than once for one request (double writes, double charges). Call `{{next}}` once and reuse its response.',
    },
  },
  check(ctx) {
    const { handler } = ctx.unit;
    if (!handler) return;
    for (const exit of handler.exits) {
      if (!exit.nextCalls.includes(2)) continue;
      const { framework } = ctx.unit.unit;
      if (framework === 'koa' || framework === 'hono' || framework === 'trpc') {
        ctx.report({ messageId: framework === 'hono' ? 'honoCalledTwice' : framework === 'trpc' ? 'trpcCalledTwice' : 'koaCalledTwice', data: { name: handler.name, next: nextLabel(ctx.unit) }, range: exit.range });
        continue;
      }
      ctx.report({ messageId: 'calledTwice', data: { name: handler.name, next: nextLabel(ctx.unit) }, range: exit.range });
    }
  },
});
