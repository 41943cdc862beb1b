import { defineSettingsRule, packageChecksOf } from '../src/rules/stack-helpers.js';

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
        '`MIDDLEWARE_CLASSES` is ignored since Django 2.0, so none of its {{count}} entries runs (no sessions, no CSRF check, no authentication). Rename it to `MIDDLEWARE` and make sure each entry is new-style middleware.{{checks}}',
    },
  },
  check(ctx) {
    if (ctx.stack.framework !== undefined || ctx.stack.setting !== 'MIDDLEWARE_CLASSES') return;
    // Packages whose own system check rejects the legacy setting (debug_toolbar.W004), quoted.
    const checks = new Set<string>();
    for (const entry of ctx.stack.entries) {
      const legacy = packageChecksOf(entry).legacy;
      if (legacy) checks.add(` A listed package's own system check says so too: \`${legacy.replace(/\.$/, '')}\`.`);
    }
    ctx.report({ messageId: 'legacy', data: { count: ctx.stack.entries.length, checks: [...checks].join('') }, range: ctx.stack.nameRange });
  },
});
