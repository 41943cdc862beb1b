import { defineSettingsRule } from '../src/rules/stack-helpers.js';

/** Django 2.0 and later ignore MIDDLEWARE_CLASSES: none of the middleware listed there runs. */
export default defineSettingsRule({
  meta: {
    id: 'no-legacy-middleware-setting',
    description: 'No `MIDDLEWARE_CLASSES` setting: Django 2.0 and later ignore it.',
    scope: 'stack',
    severity: 'error',
    recommended: true,
    messages: {
      legacy:
        '`MIDDLEWARE_CLASSES` is ignored since Django 2.0, so none of its {{count}} entries runs (no sessions, no CSRF check, no authentication). Rename it to `MIDDLEWARE` and make sure each entry is new-style middleware.',
    },
  },
  check(ctx) {
    if (ctx.stack.setting !== 'MIDDLEWARE_CLASSES') return;
    ctx.report({ messageId: 'legacy', data: { count: ctx.stack.entries.length }, range: ctx.stack.nameRange });
  },
});
