import type { HookName } from '../src/model.js';
import { defineUnitRule } from '../src/rules/api.js';
import { describeNoResponse, mixinRunsHooks, returnsNoResponse, spellingOf, valueIsOnly } from '../src/rules/unit-helpers.js';

/** What Django does with a non-response from these hooks: it tests the result for truthiness. */
const CONSEQUENCES: Record<'processView' | 'processException' | 'processRequest', string> = {
  processView:
    'Django skips the view and every remaining `process_view` for a truthy value and then fails on it, and a falsy one can skip the view too.',
  processException:
    'Django takes a truthy value as the response to the exception and then fails on it, and treats a falsy one like `None`.',
  processRequest:
    '`MiddlewareMixin` takes a truthy value as the response: the inner layers and the view never run, and `process_response` and the layers above receive it instead of a response and fail on it.',
};

/** Falsy literals: `process_request` returning one lets the request continue, as `None` does. */
const FALSY = /^(?:False|None|0|0\.0|''|""|\(\)|\[\]|\{\})$/;

/**
 * Hooks have contracts of their own: process_template_response must return a response, and
 * process_view / process_exception (and a `MiddlewareMixin` subclass's process_request) return a
 * response to short-circuit or None to continue. process_response belongs to return-response.
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
        '`{{name}}` returns {{value}}, which is neither a response nor `{{continueValue}}`: {{consequence}} Return a response to answer the request, or `{{continueValue}}` to let it continue.',
    },
  },
  check(ctx) {
    const { unit } = ctx.unit;
    const { continueValue } = spellingOf(ctx.unit);
    for (const [hook, summary] of Object.entries(unit.hooks) as Array<[HookName, NonNullable<(typeof unit.hooks)[HookName]>]>) {
      // process_response is return-response's; process_request is called only by the mixin.
      if (hook === 'processResponse' || (hook === 'processRequest' && !mixinRunsHooks(ctx.unit))) continue;
      for (const exit of summary.exits) {
        if (hook === 'processTemplateResponse') {
          if (!returnsNoResponse(exit)) continue;
          ctx.report({
            messageId: 'templateResponseMissing',
            data: { name: summary.name, value: describeNoResponse(exit, ctx.file.text, ctx.unit), cls: unit.name },
            range: exit.range,
          });
        } else if (exit.kind === 'return' && valueIsOnly(exit, ['notResponse'])) {
          const returned = exit.valueRange ? ctx.file.text.slice(exit.valueRange.start, exit.valueRange.end) : '';
          if (hook === 'processRequest' && FALSY.test(returned)) continue;
          ctx.report({
            messageId: 'notResponseOrNull',
            data: { name: summary.name, value: describeNoResponse(exit, ctx.file.text, ctx.unit), consequence: CONSEQUENCES[hook], continueValue },
            range: exit.range,
          });
        }
      }
    }
  },
});
