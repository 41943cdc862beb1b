import { defineUnitRule } from '../src/rules/api.js';
import { advice, callText, earlier, linearFramework, returnBefore, whereText } from '../src/rules/linear.js';
import { nextLabel } from '../src/rules/unit-helpers.js';

/** Two calls of the next layer run the view twice: double writes, double charges. */
export default defineUnitRule({
  meta: {
    id: 'no-double-next',
    description: 'A middleware handler calls the next layer at most once per request.',
    scope: 'unit',
    severity: 'error',
    recommended: true,
    hasSuggestions: true,
    contracts: ['django', 'onion', 'linear'],
    messages: {
      koaCalledTwice:
        'Koa middleware `{{name}}` can reach this exit after calling `{{next}}()` twice or more: the second call rejects with `Error: next() called multiple times` (Koa counts a call whose promise rejected too), and Koa answers `500 Internal Server Error`. Call `{{next}}()` once per request.',
      honoCalledTwice:
        'Hono middleware `{{name}}` can reach this exit after calling `{{next}}()` twice or more: the second call rejects with `Error: next() called multiple times`, which goes to `app.onError` (by default `500 Internal Server Error`). Call `{{next}}()` once per request.',
      trpcCalledTwice:
        'tRPC middleware `{{name}}` can reach this exit after calling `{{next}}()` twice or more: tRPC has no guard, so the middlewares below it and the procedure\'s resolver run once per call (a mutation executes twice). Call `{{next}}()` once and return its result.',
      linearCalledTwice:
        '{{framework}} middleware `{{name}}` can call `{{call}}` here after `{{first}}` ({{where}}) already handed the request on: {{framework}} has no guard against a second call, so the handlers below it (the 404 handler, error handlers) run again after the response and fail with `Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client`, or do nothing. {{advice}}',
      addReturn: 'Add `return` before `{{first}}` ({{where}}), so that path ends there.',
      calledTwice:
        '`{{name}}` can reach this exit after calling `{{next}}` twice or more, so the view runs more than once for one request (double writes, double charges). Call `{{next}}` once and reuse its response.',
    },
  },
  check(ctx) {
    const { handler } = ctx.unit;
    if (!handler) return;
    if (ctx.unit.unit.contract === 'linear') {
      // Reported at the second call, where the path goes on after the first.
      const text = ctx.file.text;
      for (const late of handler.lateCompletions ?? []) {
        const first = late.kind === 'next' ? earlier(late, ['next']) : undefined;
        if (!first) continue;
        const firstText = callText(text, first);
        const data = { framework: linearFramework(ctx.unit), name: handler.name, call: callText(text, late), first: firstText, where: whereText(text, late, first), advice: advice(late, first, firstText) };
        const fix = returnBefore(late, first);
        ctx.report({ messageId: 'linearCalledTwice', data, range: late.range, ...(fix ? { suggest: [{ messageId: 'addReturn', data, fix }] } : {}) });
      }
      return;
    }
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
