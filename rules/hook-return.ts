import type { HookName } from '../src/model.js';
import { defineUnitRule } from '../src/rules/api.js';
import { describeNoResponse, returnsNoResponse, valueIsOnly } from '../src/rules/unit-helpers.js';

/** What Django does with a non-response from these hooks: it tests the result for truthiness. */
const CONSEQUENCES: Record<'processView' | 'processException', string> = {
  processView:
    'Django skips the view and every remaining `process_view` for a truthy value and then fails on it, and a falsy one can skip the view too.',
  processException:
    'Django takes a truthy value as the response to the exception and then fails on it, and treats a falsy one like `None`.',
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
        '`{{name}}` returns {{value}}, which is neither a response nor `null`: {{consequence}} Return a response to answer the request, or `null` to let it continue.',
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
            data: { name: summary.name, value: describeNoResponse(exit, ctx.file.text), consequence: CONSEQUENCES[hook] },
            range: exit.range,
          });
        }
      }
    }
  },
});
