import { defineUnitRule } from '../src/rules/api.js';
import { advice, callText, earlier, linearFramework, returnBefore, whereText } from '../src/rules/linear.js';
import { nextLabel } from '../src/rules/unit-helpers.js';

const HEADERS_SENT = '`Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client`';

/**
 * Express and Connect complete a request once: by sending a response or by calling `next`. A path
 * that sends and then calls `next()`, sends twice, or calls `next(err)` and then sends answers twice,
 * and the second answer fails in Node's `http` (NODE.md §2, Express / Connect).
 */
export default defineUnitRule({
  meta: {
    id: 'respond-once',
    description: 'An Express or Connect middleware path sends one response, or calls `next`, never both and never twice.',
    scope: 'unit',
    severity: 'error',
    recommended: true,
    hasSuggestions: true,
    contracts: ['linear'],
    messages: {
      sendAfterSend: `{{framework}} middleware \`{{name}}\` can send a second response here: \`{{first}}\` ({{where}}) already sent one on this path, so this send throws ${HEADERS_SENT}. {{advice}}`,
      sendAfterNext: `{{framework}} middleware \`{{name}}\` can send a response here after \`{{first}}\` ({{where}}) handed the request on: the layers below (or the error handler, for \`{{next}}(err)\`) answer first, and this send throws ${HEADERS_SENT}. {{advice}}`,
      nextAfterSend: `{{framework}} middleware \`{{name}}\` can call \`{{call}}\` here after \`{{first}}\` ({{where}}) sent the response: the layers below (the error handlers, for \`{{next}}(err)\`) answer again and fail with ${HEADERS_SENT} (when none does, the 404 handler runs after the response). {{advice}}`,
      addReturn: 'Add `return` before `{{first}}` ({{where}}), so that path ends there.',
    },
  },
  check(ctx) {
    const { handler } = ctx.unit;
    if (!handler) return;
    const text = ctx.file.text;
    for (const late of handler.lateCompletions ?? []) {
      // A send after anything; a next-layer call after a send (after a call it is no-double-next's).
      const first = late.kind === 'send' ? earlier(late, ['send', 'next']) : earlier(late, ['send']);
      if (!first) continue;
      const messageId = late.kind === 'next' ? 'nextAfterSend' : first.kind === 'send' ? 'sendAfterSend' : 'sendAfterNext';
      const firstText = callText(text, first);
      const data = { framework: linearFramework(ctx.unit), name: handler.name, next: nextLabel(ctx.unit), call: callText(text, late), first: firstText, where: whereText(text, late, first), advice: advice(late, first, firstText) };
      const fix = returnBefore(late, first);
      ctx.report({ messageId, data, range: late.range, ...(fix ? { suggest: [{ messageId: 'addReturn', data, fix }] } : {}) });
    }
  },
});
