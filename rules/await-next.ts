import { defineUnitRule } from '../src/rules/api.js';

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
    },
  },
  check(ctx) {
    const { handler } = ctx.unit;
    if (!handler) return;
    for (const use of handler.unawaitedUses) {
      ctx.report({
        messageId: 'notAwaited',
        data: {
          name: handler.name,
          verb: use.kind === 'write' ? 'sets' : 'reads',
          access: use.member,
          value: use.text,
          consequence: use.kind === 'write' ? 'the change is lost' : 'a promise has no such property, so this reads `undefined`',
        },
        range: use.range,
      });
    }
  },
});
