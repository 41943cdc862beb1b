import type { Exit, Range } from '../src/model.js';
import { defineUnitRule } from '../src/rules/api.js';
import { describeNoResponse, mixinRunsHooks, neverCallsOnionNext, nextLabel, returnsNoResponse, spellingOf, valueIsOnly } from '../src/rules/unit-helpers.js';

/**
 * A handler exit that returns no response. Django has no friendly error for this: the handler
 * above (or BaseHandler itself) fails with `AttributeError: 'NoneType' object has no attribute ...`.
 * The same holds for `process_response` of a `MiddlewareMixin` subclass: the mixin passes its
 * result up as the response.
 */
/**
 * Whether `indent` is inside the handler's body: deeper than the line the handler starts on. A body
 * written on the `def` line itself (`def __call__(self, request): response = ...`) has no line of
 * its own to add to, so it gets no fix.
 */
function deeperThanHandler(text: string, handlerStart: number, indent: string): boolean {
  const lineStart = text.lastIndexOf('\n', handlerStart - 1) + 1;
  const handlerIndent = /^[ \t]*/.exec(text.slice(lineStart, handlerStart))![0];
  return indent.length > handlerIndent.length && indent.startsWith(handlerIndent);
}

type Context = Parameters<(typeof rule)['check']>[0];

/** The edit adding `return <variable>;` before an implicit exit: on a line of its own where the exit starts one, else before the brace. */
function returnVariableEdit(text: string, exit: Exit, fix: NonNullable<Exit['returnFix']>, end: string): { range: Range; text: string } {
  const between = text.slice(fix.offset, exit.range.start);
  // Keep the file's line breaks: a CRLF file gets a CRLF line.
  // At the end of a file without a final line break, the new line starts with one (CRLF if the file uses it).
  const atUnterminatedEnd = fix.offset === text.length && text.length > 0 && !text.endsWith('\n');
  const crlf = atUnterminatedEnd ? text.includes('\r\n') : text.slice(Math.max(0, fix.offset - 2), fix.offset) === '\r\n';
  const eol = crlf ? '\r\n' : '\n';
  return /^\s*$/.test(between)
    ? { range: { start: fix.offset, end: fix.offset }, text: `${atUnterminatedEnd ? eol : ''}${fix.indent}return ${fix.variable}${end}${atUnterminatedEnd ? '' : eol}` }
    : { range: { start: exit.range.start, end: exit.range.start }, text: ` return ${fix.variable}${end} ` };
}

/**
 * tRPC (NODE.md, tRPC v11): a middleware returns `next()`'s result. A path that returns nothing (or a
 * value that is not the result) leaves tRPC without one: `TRPCError` `INTERNAL_SERVER_ERROR`, "No
 * result from middlewares - did you forget to `return next()`?". A body ending in a dropped `next()`
 * gets `return` inserted before it. A middleware that never calls `next` is call-next's report.
 */
function checkTrpc(ctx: Context): void {
  const { handler } = ctx.unit;
  if (!handler || neverCallsOnionNext(handler)) return;
  const next = nextLabel(ctx.unit);
  for (const exit of handler.exits) {
    if (!returnsNoResponse(exit)) continue;
    if (exit.kind === 'implicit') {
      const at = exit.returnNextAt;
      const stored = exit.returnFix;
      const hint = at !== undefined ? `Return it: \`return ${next}(...)\`.` : stored ? `Return \`${stored.variable}\` after the work on it (\`return ${stored.variable};\`).` : `Return \`${next}()\`'s result on every path that does not throw.`;
      const fix = at !== undefined ? { range: { start: at, end: at }, text: 'return ' } : stored ? returnVariableEdit(ctx.file.text, exit, stored, ';') : undefined;
      ctx.report({ messageId: 'trpcFallsOffEnd', data: { name: handler.name, next, hint }, range: exit.range, ...(fix ? { fix } : {}) });
    } else {
      ctx.report({ messageId: 'trpcReturnsNoResult', data: { name: handler.name, next, value: describeNoResponse(exit, ctx.file.text, ctx.unit) }, range: exit.range });
    }
  }
}

const NOT_FINALIZED = '"Error: Context is not finalized. Did you forget to return a Response object or `await next()`?"';

/**
 * Hono (NODE.md, Hono): a middleware path that neither returns a Response nor calls `next()`, or a
 * route handler's path that returns nothing, leaves the context without a response. Paths that
 * call `next()` are the other onion rules'; paths that hand the context on, return what an unknown
 * call gives, or throw are silent. Only `undefined`/`null` count as nothing here: a returned string
 * or number fails differently.
 */
function checkHono(ctx: Context): void {
  const { handler, unit } = ctx.unit;
  if (!handler) return;
  // `next` handed to a helper may be called there; `await next;` is call-next's report.
  if (handler.nextHandedOn || (handler.inertNextReferences?.length ?? 0) > 0) return;
  const middleware = unit.nextParam !== undefined;
  const next = nextLabel(ctx.unit);
  const text = ctx.file.text;
  const lastDrops = (handler.droppedResponses ?? []).filter((d) => d.last);
  for (const exit of handler.exits) {
    if (exit.kind === 'throw' || !valueIsOnly(exit, ['nothing']) || !exit.nextCalls.includes(0) || exit.contextHandedOn !== false) continue;
    const data = { name: handler.name, next };
    const kind = middleware ? 'honoMiddleware' : 'honoHandler';
    const dropKind = middleware ? 'honoMiddlewareDropsResponse' : 'honoHandlerDropsResponse';
    if (exit.kind === 'implicit' && exit.endsWithDroppedResponse === true && lastDrops.length > 0) {
      // Every path here ends with a dropped `c.json(...)`: return it (one edit covering every such statement).
      const first = lastDrops[0]!;
      const end = lastDrops[lastDrops.length - 1]!.range.start;
      let fixed = '';
      let at = first.range.start;
      for (const d of lastDrops) {
        fixed += `${text.slice(at, d.range.start)}return `;
        at = d.range.start;
      }
      const call = text.slice(first.range.start, first.range.end).replace(/\s*\n\s*/g, ' ');
      const open = call.indexOf('(');
      ctx.report({
        messageId: dropKind,
        data: { ...data, call: call.length <= 40 || open < 0 ? call : `${call.slice(0, open)}(...)` },
        range: first.range,
        fix: { range: { start: first.range.start, end }, text: fixed },
      });
      continue;
    }
    const what = exit.kind === 'implicit' ? 'can reach its end without returning a Response' : `returns ${describeNoResponse(exit, text, ctx.unit)} here instead of a Response`;
    ctx.report({ messageId: kind, data: { ...data, what }, range: exit.range });
  }
}

/** `process_response` of a `MiddlewareMixin` subclass: every exit returns a response. */
function checkResponseHook(ctx: Context): void {
  const { unit } = ctx.unit;
  const hook = unit.hooks.processResponse;
  if (!hook || !mixinRunsHooks(ctx.unit)) return;
  // The response parameter as the hook names it (after the instance and the request).
  const positional = hook.signature?.positional ?? [];
  const response = hook.signature?.binding === 'instance' || hook.signature?.binding === 'class' ? positional[2]?.name : positional[1]?.name;
  for (const exit of hook.exits) {
    if (!returnsNoResponse(exit)) continue;
    const data = { name: hook.name, response: response ?? 'response' };
    if (exit.kind === 'implicit') ctx.report({ messageId: 'responseHookFallsOffEnd', data, range: exit.range });
    else ctx.report({ messageId: 'responseHookReturnsNothing', data: { ...data, value: describeNoResponse(exit, ctx.file.text, ctx.unit) }, range: exit.range });
  }
}

const rule = defineUnitRule({
  meta: {
    id: 'return-response',
    description: 'Every exit of a middleware handler returns a response.',
    scope: 'unit',
    severity: 'error',
    recommended: true,
    fixable: true,
    // Onion units: Hono's (the context's response) and tRPC's (next()'s result); Koa's middleware answers through `ctx.body` and returns nothing.
    contracts: ['django', 'onion'],
    messages: {
      trpcFallsOffEnd:
        'tRPC middleware `{{name}}` can reach its end without returning `{{next}}()`\'s result, so tRPC gets no result from this layer and the call fails with `TRPCError` `INTERNAL_SERVER_ERROR`: "No result from middlewares - did you forget to `return next()`?". {{hint}}',
      trpcReturnsNoResult:
        'tRPC middleware `{{name}}` returns {{value}} here instead of `{{next}}()`\'s result: tRPC finds no middleware result in it and the call fails with `TRPCError` `INTERNAL_SERVER_ERROR` ("No result from middlewares - did you forget to `return next()`?" for a missing or falsy value). Return `{{next}}()`\'s result, or throw a `TRPCError` to stop here.',
      fallsOffEnd:
        '`{{name}}` can reach its end without returning a response, so the server receives `{{nothing}}` instead of one. {{hint}}',
      returnsNothing:
        '`{{name}}` returns {{value}} here instead of a response, so the server receives no response. Return the response from `{{next}}(...)` or one you build.',
      responseHookFallsOffEnd:
        "`{{name}}` can reach its end without returning a response: `MiddlewareMixin` passes `None` up as the response, and the layer above fails with `AttributeError: 'NoneType' object has no attribute ...` on every request. Return the response (`return {{response}}`).",
      responseHookReturnsNothing:
        '`{{name}}` returns {{value}} here instead of a response: `MiddlewareMixin` passes it up as the response, and the layer above fails on it with an `AttributeError` on every request. Return the response (`return {{response}}`).',
      honoMiddleware:
        `Hono middleware \`{{name}}\` {{what}} on a path that does not call \`{{next}}()\`: Hono then fails with ${NOT_FINALIZED}, which goes to \`app.onError\` (by default \`500 Internal Server Error\`; \`404 Not Found\` when this middleware is the only handler matching the request). Return a Response (\`return c.json(...)\`, \`c.text(...)\`) or \`await {{next}}()\`.`,
      honoHandler:
        `Hono handler \`{{name}}\` {{what}}: when middleware matched the request, Hono fails with ${NOT_FINALIZED}, which goes to \`app.onError\` (by default \`500 Internal Server Error\`); when this handler is the only match, Hono answers \`404 Not Found\`. Return a Response (\`return c.json(...)\`, \`c.text(...)\`).`,
      honoMiddlewareDropsResponse:
        `Hono middleware \`{{name}}\` builds a Response with \`{{call}}\` and drops it, then ends without returning a Response or awaiting \`{{next}}()\`: Hono's context methods only build the Response, so Hono fails with ${NOT_FINALIZED}, which goes to \`app.onError\` (by default \`500 Internal Server Error\`). Return it: \`return {{call}}\`.`,
      honoHandlerDropsResponse:
        `Hono handler \`{{name}}\` builds a Response with \`{{call}}\` and drops it, then ends without returning one: Hono's context methods only build the Response, so Hono fails with ${NOT_FINALIZED} when middleware matched the request (\`app.onError\`, by default \`500 Internal Server Error\`), or answers \`404 Not Found\` when this handler is the only match. Return it: \`return {{call}}\`.`,
    },
  },
  check(ctx) {
    if (ctx.unit.unit.contract === 'onion') {
      if (ctx.unit.unit.framework === 'hono') checkHono(ctx);
      else if (ctx.unit.unit.framework === 'trpc') checkTrpc(ctx);
      return;
    }
    checkResponseHook(ctx);
    const { handler } = ctx.unit;
    if (!handler) return;
    const next = nextLabel(ctx.unit);
    const { nothing, statementEnd: end, indentedBlocks } = spellingOf(ctx.unit);
    for (const exit of handler.exits) {
      if (!returnsNoResponse(exit)) continue;
      if (exit.kind === 'implicit') {
        const fix = exit.returnFix;
        const hint = fix
          ? `Return \`${fix.variable}\` after the work on it (\`return ${fix.variable}${end}\`).`
          : `Return the response from \`${next}(...)\` or one you build.`;
        const fixEdit = fix && (!indentedBlocks || deeperThanHandler(ctx.file.text, handler.range.start, fix.indent)) ? returnVariableEdit(ctx.file.text, exit, fix, end) : undefined;
        ctx.report({ messageId: 'fallsOffEnd', data: { name: handler.name, hint, nothing }, range: exit.range, ...(fixEdit ? { fix: fixEdit } : {}) });
      } else {
        ctx.report({
          messageId: 'returnsNothing',
          data: { name: handler.name, value: describeNoResponse(exit, ctx.file.text, ctx.unit), next },
          range: exit.range,
        });
      }
    }
  },
});

export default rule;
