import type { CapabilityFlag } from '../src/model.js';
import { defineUnitRule } from '../src/rules/api.js';

const MARK = 'markcoroutinefunction(self)';

/**
 * How Django picks a layer's mode at start-up (PYTHON.md (b) "Async forms"): from the
 * `sync_capable` / `async_capable` flags, and by testing whether the instance is a coroutine
 * function. An `async def` handler that Django takes for a sync one hands a coroutine up as the
 * response.
 */
export default defineUnitRule({
  meta: {
    id: 'async-capable',
    description: 'Async middleware declares itself async the way Django detects it.',
    scope: 'unit',
    severity: 'error',
    recommended: true,
    messages: {
      asyncCallSyncFlags:
        "`{{name}}` is an `async def`, but `{{cls}}` does not set `async_capable = True`: Django runs it as sync middleware and gets a coroutine back, so the layer above fails with `AttributeError: 'coroutine' object has no attribute ...` on every request. Set `async_capable = True` and `sync_capable = False`, and call `" + MARK + "` in `__init__`.",
      notMarked:
        "`{{name}}` is an `async def`, but `{{cls}}` never calls `" + MARK + "`: Django tests `iscoroutinefunction(instance)`, which is False, calls it synchronously and passes a coroutine up, so requests fail with `AttributeError: 'coroutine' object has no attribute ...` (under ASGI, `TypeError: object HttpResponseServerError can't be used in 'await' expression`). Call `" + MARK + "` in `__init__`.",
      bothFalse:
        'Both `sync_capable` and `async_capable` of `{{cls}}` are False{{defaulted}}: Django refuses to start with `RuntimeError: Middleware <path> must have at least one of sync_capable/async_capable set to True.` Set the one the {{form}} supports to True.',
      asyncCheck:
        "`self._async_check()` is a private method of `MiddlewareMixin` that Django 5.1 removed: `{{cls}}` fails when Django builds it, with `AttributeError: '{{cls}}' object has no attribute '_async_check'`. Call `super().__init__(get_response)`, which does the async detection.",
      coroutineMarker:
        'Setting `_is_coroutine` by hand marks `{{cls}}` as async only up to Python 3.11: from 3.12, `iscoroutinefunction` ignores it, Django calls the layer synchronously and passes a coroutine up (`AttributeError: \'coroutine\' object has no attribute ...`). Call `' + MARK + '` (from `asgiref.sync`) instead.',
      factoryAsyncSync:
        "`{{cls}}` returns an `async def` but is sync-only ({{why}}): under ASGI Django fails at start-up with `TypeError: sync_to_async can only be applied to sync functions.`, under WSGI each request fails with `AttributeError: 'coroutine' object has no attribute '_resource_closers'`. Decorate it with `@async_only_middleware` (or `@sync_and_async_middleware` and return a sync function when `get_response` is sync).",
      asyncMixinHook:
        "`{{name}}` is an `async def`, but `MiddlewareMixin` calls `{{hook}}` as a sync function: under ASGI every request fails with `TypeError: sync_to_async can only be applied to sync functions.`, under WSGI the coroutine travels up as the response (`AttributeError: 'coroutine' object has no attribute ...`). Make it a plain `def`.",
    },
  },
  check(ctx) {
    const linked = ctx.unit;
    const { unit } = linked;
    const caps = unit.capabilities;
    if (!caps) return;
    // Django's defaults: sync_capable True, async_capable False; MiddlewareMixin sets both True.
    // With another base class, what it sets is unknown.
    const defaults = !unit.base ? { sync: true, async: false } : unit.mixinBase ? { sync: true, async: true } : undefined;
    const value = (flag: CapabilityFlag | undefined, fallback: boolean | undefined): boolean | null | undefined => (flag ? flag.value : fallback);
    const sync = value(caps.syncCapable, defaults?.sync);
    const async = value(caps.asyncCapable, defaults?.async);
    const flagsKnown = !caps.unknownDecorators && !caps.flagsUnknown && typeof sync === 'boolean' && typeof async === 'boolean';

    if (flagsKnown && !sync && !async) {
      // At the flag set last in the source (or the one set at all).
      const flags = [caps.syncCapable, caps.asyncCapable].filter((f): f is CapabilityFlag => f !== undefined).sort((a, b) => a.range.start - b.range.start);
      const at = flags[flags.length - 1];
      if (at) ctx.report({ messageId: 'bothFalse', data: { cls: unit.name, form: unit.kind === 'class' ? 'class' : 'factory', defaulted: caps.asyncCapable ? '' : ' (`async_capable` is False unless set)' }, range: at.range });
      return;
    }

    if (unit.kind === 'factory') {
      if (flagsKnown && unit.handler?.async && !async) {
        const why = caps.decorator ? `\`@${caps.decorator.name}\`` : caps.asyncCapable ? '`async_capable` is False' : 'the default flags';
        ctx.report({ messageId: 'factoryAsyncSync', data: { cls: unit.name, why }, range: unit.nameRange });
      }
      return;
    }

    for (const range of caps.coroutineMarkerAssignments) ctx.report({ messageId: 'coroutineMarker', data: { cls: unit.name }, range });
    // `_async_check` exists nowhere any more, unless the class (or a base onionlint sees) declares it.
    if ((!unit.base || unit.mixinBase) && !linked.members.includes('_async_check')) {
      for (const range of caps.privateAsyncCheckCalls) ctx.report({ messageId: 'asyncCheck', data: { cls: unit.name }, range });
    }

    if (unit.mixinBase) {
      for (const hook of ['processRequest', 'processResponse'] as const) {
        const summary = unit.hooks[hook];
        if (summary?.async) ctx.report({ messageId: 'asyncMixinHook', data: { name: summary.name, hook: summary.name.slice(summary.name.lastIndexOf('.') + 1) }, range: summary.nameRange });
      }
    }

    // An `async def __call__` of a class whose flags are all its own (no base class).
    const handler = unit.handler;
    if (!handler?.async || unit.base || !flagsKnown) return;
    if (!async) ctx.report({ messageId: 'asyncCallSyncFlags', data: { name: handler.name, cls: unit.name }, range: handler.nameRange });
    else if (!caps.marksCoroutine && caps.coroutineMarkerAssignments.length === 0) ctx.report({ messageId: 'notMarked', data: { name: handler.name, cls: unit.name }, range: handler.nameRange });
  },
});
