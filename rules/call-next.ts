import { defineUnitRule } from '../src/rules/api.js';
import { nextLabel } from '../src/rules/unit-helpers.js';

/**
 * A handler that never calls the next layer: every request stops at this layer, and the layers
 * below it and the view are dead code. Short-circuiting on some paths is fine; on all paths it is not.
 */
export default defineUnitRule({
  meta: {
    id: 'call-next',
    description: 'A middleware handler calls the next layer on at least one path.',
    scope: 'unit',
    severity: 'error',
    recommended: true,
    messages: {
      neverCalled:
        '`{{name}}` never calls the next layer (`{{next}}`): every request stops here, so the layers below it and the view never run. Return `{{next}}(request)` on the paths that should continue.',
    },
  },
  check(ctx) {
    const { handler } = ctx.unit;
    if (!handler || handler.nextReferenced) return;
    // Paths that return nothing at all are return-response's; here the handler answers every request itself.
    const answers = handler.exits.some((e) => e.kind !== 'throw' && e.value.some((k) => k !== 'nothing' && k !== 'notResponse'));
    if (!answers) return;
    ctx.report({ messageId: 'neverCalled', data: { name: handler.name, next: nextLabel(ctx.unit) }, range: handler.nameRange });
  },
});
