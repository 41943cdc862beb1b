import type { UnawaitedUse } from '../src/model.js';
import { defineUnitRule } from '../src/rules/api.js';
import { nextLabel, spellingOf, valueIsOnly } from '../src/rules/unit-helpers.js';

/** Python's error for the use of a coroutine as a response: an attribute, or an item read, set or deleted. */
function coroutineError(use: UnawaitedUse): string {
  if (!use.item) return `AttributeError: 'coroutine' object has no attribute '${use.member}'`;
  if (use.kind === 'read') return "TypeError: 'coroutine' object is not subscriptable";
  return use.kind === 'delete' ? "TypeError: 'coroutine' object doesn't support item deletion" : "TypeError: 'coroutine' object does not support item assignment";
}

/**
 * In an async handler the next layer's result is a promise: headers set on it vanish, and Django
 * fails with `AttributeError: 'coroutine' object has no attribute ...`.
 */
export default defineUnitRule({
  meta: {
    id: 'await-next',
    description: "An async handler awaits the next layer's result before using it as a response.",
    scope: 'unit',
    severity: 'error',
    recommended: true,
    contracts: ['django', 'onion'],
    messages: {
      koaNotAwaited:
        'Koa middleware `{{name}}` calls `{{next}}()` without awaiting or returning its promise: this layer finishes before the layers below it do, so Koa sends the response as it stands (`404 Not Found` when nothing set a body yet), ignores later `ctx.body`/`ctx.status` writes, and an error thrown below becomes an `unhandledRejection` instead of reaching the error handler. Write `await {{next}}()` (or `return {{next}}()`).',
      honoNotAwaited:
        'Hono middleware `{{name}}` calls `{{next}}()` without awaiting or returning its promise: this layer finishes before the handlers below it do, so with an async handler below Hono finds the context without a response and fails with "Error: Context is not finalized. Did you forget to return a Response object or `await next()`?" (`500 Internal Server Error`), and code after the call runs before the handler. Write `await {{next}}()` (or `return {{next}}()`).',
      notAwaited:
        '`{{name}}` {{verb}} `{{access}}` on `{{value}}`, which is the next layer\'s un-awaited promise, not a response: {{consequence}} (Django: `AttributeError: \'coroutine\' object has no attribute ...`). Await the next layer first: `const response = await ...`.',
      returnedCoroutine:
        '`{{name}}` returns the next layer\'s un-awaited coroutine from an `async def`: awaiting the handler gives that coroutine, not a response, so the layer above fails with `AttributeError: \'coroutine\' object has no attribute ...` (and Python warns that it was never awaited). Return `await {{next}}(request)`.',
      notAwaitedCoroutine:
        '`{{name}}` {{verb}} `{{access}}` on `{{value}}`, which is the next layer\'s un-awaited {{awaitable}}, not a response: every request fails with `{{error}}`. Await the next layer first: `{{fix}}`.',
    },
  },
  check(ctx) {
    const { handler } = ctx.unit;
    if (!handler) return;
    if (ctx.unit.unit.contract === 'onion') {
      // tRPC: a dropped `next()` leaves the path without `next()`'s result, which is return-response's report (one rule per mistake).
      if (ctx.unit.unit.framework === 'trpc') return;
      // The onion contract: the next layer's promise is awaited or returned, never dropped.
      for (const range of handler.floatingNextCalls ?? []) {
        ctx.report({ messageId: ctx.unit.unit.framework === 'hono' ? 'honoNotAwaited' : 'koaNotAwaited', data: { name: handler.name, next: nextLabel(ctx.unit) }, range });
      }
      return;
    }
    const spelling = spellingOf(ctx.unit);
    // JavaScript keeps its own message (a promise's missing property reads `undefined`); languages whose await gives a coroutine fail at once.
    const coroutine = spelling.awaitable === 'coroutine';
    if (coroutine && handler.async) {
      // An async function hands its caller the coroutine it returns: only JavaScript flattens a returned promise.
      for (const exit of handler.exits) {
        if (exit.kind !== 'return' || !valueIsOnly(exit, ['nextPromise'])) continue;
        ctx.report({ messageId: 'returnedCoroutine', data: { name: handler.name, next: nextLabel(ctx.unit) }, range: exit.range });
      }
    }
    for (const use of handler.unawaitedUses) {
      const verb = use.kind === 'write' ? 'sets' : use.kind === 'delete' ? 'deletes' : 'reads';
      if (coroutine) {
        ctx.report({
          messageId: 'notAwaitedCoroutine',
          data: { name: handler.name, verb, access: use.member, value: use.text, awaitable: spelling.awaitable, error: coroutineError(use), fix: spelling.awaitStatement.replace('{next}', nextLabel(ctx.unit)) },
          range: use.range,
        });
        continue;
      }
      ctx.report({
        messageId: 'notAwaited',
        data: {
          name: handler.name,
          verb,
          access: use.member,
          value: use.text,
          consequence: use.kind !== 'read' ? 'the change is lost' : 'a promise has no such property, so this reads `undefined`',
        },
        range: use.range,
      });
    }
  },
});
