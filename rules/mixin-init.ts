import { defineUnitRule } from '../src/rules/api.js';

/**
 * A `MiddlewareMixin` subclass that overrides `__init__` without running the mixin's: the mixin's
 * `__call__` reads `self.async_mode`, which only its `__init__` sets.
 */
export default defineUnitRule({
  meta: {
    id: 'mixin-init',
    description: "A `MiddlewareMixin` subclass that overrides `__init__` calls the mixin's `__init__`.",
    scope: 'unit',
    severity: 'error',
    recommended: true,
    messages: {
      noBaseInit:
        "`{{cls}}.__init__` overrides `MiddlewareMixin.__init__` without calling `super().__init__({{param}})`, so the mixin's async detection never runs: every request fails with `AttributeError: '{{cls}}' object has no attribute 'async_mode'` (under ASGI, masked by `TypeError: object HttpResponseServerError can't be used in 'await' expression`). Call `super().__init__({{param}})` first.",
      noBaseInitNoStore:
        "`{{cls}}.__init__` overrides `MiddlewareMixin.__init__` without calling `super().__init__({{param}})` and never stores `{{param}}` either: the mixin's async detection never runs and the next layer is unreachable, so every request fails with `AttributeError: '{{cls}}' object has no attribute 'async_mode'`. Call `super().__init__({{param}})` first.",
    },
  },
  check(ctx) {
    const linked = ctx.unit;
    const { unit } = linked;
    const init = unit.constructorInfo;
    // Django's mixin must be up the chain (directly, or through project classes the link step read); a
    // constructor that runs any base constructor, or can drop the layer (MiddlewareNotUsed), is not this mistake.
    if (!linked.mixinChain || !init || init.callsBaseConstructor !== false || init.canOptOut) return;
    // A `__call__` of the class or of a project base replaces the mixin's, which is what reads
    // `async_mode`; so does setting it by hand.
    if (unit.handler || linked.members.includes('__call__') || linked.members.includes('async_mode')) return;
    const param = unit.nextParam?.name ?? 'get_response';
    ctx.report({
      messageId: unit.nextFields.length > 0 ? 'noBaseInit' : 'noBaseInitNoStore',
      data: { cls: unit.name, param },
      range: init.nameRange ?? init.range,
    });
  },
});
