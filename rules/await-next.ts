import { defineUnitRule } from '../src/rules/api.js';
import { nextLabel, spellingOf } from '../src/rules/unit-helpers.js';

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
    messages: {
      notAwaited:
        '`{{name}}` {{verb}} `{{access}}` on `{{value}}`, which is the next layer\'s un-awaited promise, not a response: {{consequence}} (Django: `AttributeError: \'coroutine\' object has no attribute ...`). Await the next layer first: `const response = await ...`.',
      notAwaitedCoroutine:
        '`{{name}}` {{verb}} `{{access}}` on `{{value}}`, which is the next layer\'s un-awaited {{awaitable}}, not a response: every request fails with `AttributeError: \'coroutine\' object has no attribute \'{{access}}\'`. Await the next layer first: `{{fix}}`.',
    },
  },
  check(ctx) {
    const { handler } = ctx.unit;
    if (!handler) return;
    const spelling = spellingOf(ctx.unit);
    // JavaScript keeps its own message (a promise's missing property reads `undefined`); languages whose await gives a coroutine fail at once.
    const coroutine = spelling.awaitable === 'coroutine';
    for (const use of handler.unawaitedUses) {
      const verb = use.kind === 'write' ? 'sets' : 'reads';
      if (coroutine) {
        ctx.report({
          messageId: 'notAwaitedCoroutine',
          data: { name: handler.name, verb, access: use.member, value: use.text, awaitable: spelling.awaitable, fix: spelling.awaitStatement.replace('{next}', nextLabel(ctx.unit)) },
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
          consequence: use.kind === 'write' ? 'the change is lost' : 'a promise has no such property, so this reads `undefined`',
        },
        range: use.range,
      });
    }
  },
});
