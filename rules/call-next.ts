import { defineUnitRule } from '../src/rules/api.js';
import { linearFramework } from '../src/rules/linear.js';
import { neverCallsOnionNext, nextLabel } from '../src/rules/unit-helpers.js';

/** The statement around a reference, on one line (`await next;`), when it is short enough for a message. */
function lineAround(text: string, range: { start: number; end: number }): string | undefined {
  const start = text.lastIndexOf('\n', range.start - 1) + 1;
  const endAt = text.indexOf('\n', range.end);
  const line = text.slice(start, endAt < 0 ? text.length : endAt).trim();
  return line.length > 0 && line.length <= 40 ? line : undefined;
}

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
    contracts: ['django', 'onion', 'linear'],
    messages: {
      koaNeverCalled:
        'Koa middleware `{{name}}` refers to `{{next}}` but never calls it (`{{use}}`): the layers below it never run, and unless this layer sets `ctx.body` Koa answers `404 Not Found`. Call it: `await {{next}}()` (or `return {{next}}()`).',
      honoNeverCalled:
        'Hono middleware `{{name}}` refers to `{{next}}` but never calls it (`{{use}}`): the handlers below it never run, so the request gets no response from them; where this layer returns nothing either, Hono fails with "Error: Context is not finalized. Did you forget to return a Response object or `await next()`?" (`500 Internal Server Error`). Call it: `await {{next}}()`.',
      trpcNeverCalled:
        'tRPC middleware `{{name}}` refers to `{{next}}` but never calls it (`{{use}}`): the middlewares below it and the procedure\'s resolver never run, and tRPC gets no middleware result from this layer, so the call fails with `TRPCError` `INTERNAL_SERVER_ERROR` ("No result from middlewares - did you forget to `return next()`?" when it returns nothing). Call it and return its result: `return {{next}}()`.',
      linearNeverCalled:
        '{{framework}} middleware `{{name}}` refers to `{{next}}` but never calls it (`{{use}}`): the layers below it never run, and on every path where this middleware sends no response the request hangs until the client gives up. Call it: `{{next}}()` (or `{{next}}(err)` to hand on an error).',
      neverCalled:
        '`{{name}}` never calls the next layer (`{{next}}`): every request stops here, so the layers below it and the view never run. Return `{{next}}(request)` on the paths that should continue.',
    },
  },
  check(ctx) {
    const { handler } = ctx.unit;
    if (!handler) return;
    const { contract } = ctx.unit.unit;
    if (contract === 'onion' || contract === 'linear') {
      // A terminal layer never mentions `next` and is correct; one that awaits or returns the
      // function itself, calls it nowhere and hands it to nothing that could, never continues.
      const first = neverCallsOnionNext(handler);
      if (!first) return;
      const use = ctx.file.text.slice(first.start, first.end);
      const statement = lineAround(ctx.file.text, first);
      const data = { name: handler.name, next: nextLabel(ctx.unit), use: statement ?? use };
      if (contract === 'linear') ctx.report({ messageId: 'linearNeverCalled', data: { ...data, framework: linearFramework(ctx.unit) }, range: first });
      else ctx.report({ messageId: ctx.unit.unit.framework === 'hono' ? 'honoNeverCalled' : ctx.unit.unit.framework === 'trpc' ? 'trpcNeverCalled' : 'koaNeverCalled', data, range: first });
      return;
    }
    if (handler.nextReferenced) return;
    // Paths that return nothing at all are return-response's; here the handler answers every request itself.
    const answers = handler.exits.some((e) => e.kind !== 'throw' && e.value.some((k) => k !== 'nothing' && k !== 'notResponse'));
    if (!answers) return;
    ctx.report({ messageId: 'neverCalled', data: { name: handler.name, next: nextLabel(ctx.unit) }, range: handler.nameRange });
  },
});
