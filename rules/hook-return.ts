import type { HookName } from '../src/model.js';
import { defineUnitRule } from '../src/rules/api.js';
import { describeNoResponse, returnsNoResponse, valueIsOnly } from '../src/rules/unit-helpers.js';

const DJANGO_NAMES: Record<HookName, string> = {
  processView: 'process_view',
  processException: 'process_exception',
  processTemplateResponse: 'process_template_response',
};

/**
 * Hooks have contracts of their own: process_template_response must return a response, and
 * process_view / process_exception return a response to short-circuit or None to continue.
 */
export default defineUnitRule({
  meta: {
    id: 'hook-return',
    description: 'Middleware hooks return what Django expects of them.',
    scope: 'unit',
    severity: 'error',
    recommended: true,
    messages: {
      templateResponseMissing:
        '`{{name}}` returns {{value}} here: Django raises `ValueError: {{cls}}.process_template_response didn\'t return an HttpResponse object. It returned None instead.` Return the (possibly changed) response.',
      notResponseOrNull:
        '`{{name}}` returns {{value}}, which is neither a response nor `null`: Django skips the view and every remaining {{hook}} for it and then fails on the value. Return a response to answer the request, or `null` to let it continue.',
    },
  },
  check(ctx) {
    const { unit } = ctx.unit;
    for (const [hook, summary] of Object.entries(unit.hooks) as Array<[HookName, NonNullable<(typeof unit.hooks)[HookName]>]>) {
      for (const exit of summary.exits) {
        if (hook === 'processTemplateResponse') {
          if (!returnsNoResponse(exit)) continue;
          ctx.report({
            messageId: 'templateResponseMissing',
            data: { name: summary.name, value: describeNoResponse(exit, ctx.file.text), cls: unit.name },
            range: exit.range,
          });
        } else if (exit.kind === 'return' && valueIsOnly(exit, ['notResponse'])) {
          ctx.report({
            messageId: 'notResponseOrNull',
            data: { name: summary.name, value: describeNoResponse(exit, ctx.file.text), hook: DJANGO_NAMES[hook] },
            range: exit.range,
          });
        }
      }
    }
  },
});
