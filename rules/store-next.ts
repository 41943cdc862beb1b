import { defineUnitRule } from '../src/rules/api.js';
import { missingMemberError, spellingOf } from '../src/rules/unit-helpers.js';

/**
 * The handler reaches the next layer through a member that was never assigned, so every request
 * fails with `TypeError: this.x is not a function`.
 */
export default defineUnitRule({
  meta: {
    id: 'store-next',
    description: 'The constructor stores the next layer where the handler looks for it.',
    scope: 'unit',
    severity: 'error',
    recommended: true,
    messages: {
      wrongMember:
        '`{{name}}` calls `{{self}}.{{member}}`, which is never assigned: the {{ctor}} stores the next layer in `{{self}}.{{stored}}`. Every request fails with `{{error}}`. Call `{{self}}.{{stored}}(...)`.',
      neverStored:
        'The {{ctor}} of `{{cls}}` receives `{{param}}` but never stores it, while `{{name}}` calls `{{self}}.{{member}}`: every request fails with `{{error}}`. Add `{{self}}.{{member}} = {{param}}{{end}}` to the {{ctor}}.',
      notPassedToSuper:
        'The {{ctor}} of `{{cls}}` does not pass the next layer to `{{superCall}}` first, so `{{base}}` {{consequence}}. Pass it through: `{{passThrough}}`.',
    },
  },
  check(ctx) {
    const linked = ctx.unit;
    const { unit } = linked;
    if (unit.kind !== 'class') return;
    const superCall = unit.constructorInfo?.superCall;
    const spelling = spellingOf(linked);
    if (unit.base && linked.baseIsMiddleware && superCall && !superCall.passesNext) {
      ctx.report({
        messageId: 'notPassedToSuper',
        data: { cls: unit.name, base: unit.base.name, ctor: spelling.constructorName, superCall: spelling.baseConstructorCall,
          consequence: spelling.baseWithoutNext, passThrough: spelling.passNextToBase.replace('{next}', unit.nextParam?.name ?? 'getResponse') },
        range: superCall.range,
      });
      return;
    }
    if (!linked.chainKnown) return;
    const words = { self: spelling.self, ctor: spelling.constructorName, end: spelling.statementEnd };
    const summaries = [linked.handler, ...Object.values(unit.hooks)].filter((s) => s !== undefined);
    let reportedNeverStored = false;
    for (const summary of summaries) {
      for (const call of summary.thisCalls) {
        if (!summary.nextMembers.includes(call.name) || linked.members.includes(call.name)) continue;
        const stored = linked.nextFields[0];
        if (stored !== undefined) {
          ctx.report({ messageId: 'wrongMember', data: { name: summary.name, member: call.name, stored, ...words, error: missingMemberError(linked, call.name) }, range: call.range });
        } else if (unit.nextParam && !reportedNeverStored) {
          reportedNeverStored = true;
          ctx.report({
            messageId: 'neverStored',
            data: { cls: unit.name, param: unit.nextParam.name, name: summary.name, member: call.name, ...words, error: missingMemberError(linked, call.name) },
            range: unit.nextParam.range,
          });
        }
      }
    }
  },
});
