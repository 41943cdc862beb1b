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
    // Only a direct subclass of Django's mixin is known to get the mixin's `__call__`; a constructor that
    // runs any base constructor, or can drop the layer (MiddlewareNotUsed), is not this mistake.
    if (!unit.mixinBase || !init || init.callsBaseConstructor !== false || init.canOptOut) return;
    // An own `__call__` replaces the mixin's, which is what reads `async_mode`; so does setting it by hand.
    if (unit.handler || unit.members.includes('async_mode')) return;
    const param = unit.nextParam?.name ?? 'get_response';
    ctx.report({
      messageId: unit.nextFields.length > 0 ? 'noBaseInit' : 'noBaseInitNoStore',
      data: { cls: unit.name, param },
      range: init.nameRange ?? init.range,
    });
  },
});
