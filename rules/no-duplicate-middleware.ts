import type { StackEntry } from '../src/link/stacks.js';
import { coexist, isActiveStack, knownOf, packageChecksOf, placed, removeEntry, where, defineSettingsRule } from '../src/rules/stack-helpers.js';
import type { NodeStackEntry } from '../src/link/app-stacks.js';
import { registeredAt, removeStatement } from '../src/rules/app-stack.js';

/** Who builds the stack, as the message says it: Django unless the knowledge base knows better. */
function frameworkOf(entry: StackEntry): string {
  return knownOf(entry)?.framework ?? 'Django';
}

/** The package's own check for a duplicate, quoted (`; debug_toolbar.W002: ...`), when it has one. */
function packageCheck(entry: StackEntry): string {
  const duplicate = packageChecksOf(entry).duplicate;
  return duplicate ? `; the package's system check says \`${duplicate.replace(/\.$/, '')}\`` : '';
}

/** A layer listed twice runs twice per request: its side effects happen twice, its checks twice. */
export default defineSettingsRule({
  meta: {
    id: 'no-duplicate-middleware',
    description: 'A middleware is listed once in a stack.',
    scope: 'stack',
    severity: 'error',
    recommended: true,
    fixable: true,
    messages: {
      duplicate:
        '`{{name}}` is already listed at {{first}}: {{framework}} builds it twice and runs both layers on every request (double work, double side effects){{check}}. Remove this entry.',
      registeredTwice:
        '`{{name}}` is already registered on {{scope}} at {{first}}{{options}}: both layers run on every request there (double work, double side effects). Remove this registration.',
      sameCall:
        '`{{name}}(…)` is already called with the same arguments at {{first}}: both calls build the same configured layer, which then runs twice on every request (double work, double side effects). Remove this entry.',
    },
  },
  check(ctx) {
    if (ctx.stack.framework !== undefined) {
      // A Node app: the same middleware (the same factory with the same literal options) registered twice on the same path.
      const entries = ctx.stack.entries.filter((e): e is NodeStackEntry => e.node !== undefined && e.node.kind !== 'route' && e.fact.kind !== 'unknown');
      const reported = new Set<unknown>();
      for (let j = 0; j < entries.length; j++) {
        const later = entries[j]!;
        // A path filter that cannot be read (a list, a template, a regular expression, a variable) is no known path: two of them need not be the same.
        if (later.node.path === null) continue;
        // The same statement reached twice (a configure function called twice) is not two registrations written.
        const earlier = entries.slice(0, j).find((e) => e.duplicateKey === later.duplicateKey && coexist(e, later) && (e.filePath !== later.filePath || e.fact.range.start !== later.fact.range.start));
        if (!earlier || reported.has(later)) continue;
        reported.add(later);
        const text = ctx.textOf(later.filePath);
        const fix = text && later.node.registration.layers.length === 1 ? removeStatement(text, later) : undefined;
        ctx.report({
          messageId: 'registeredTwice',
          data: { name: later.label, first: registeredAt(ctx, earlier, later.filePath), scope: later.node.path ? `\`${later.node.path}\`` : 'every path', options: later.fact.kind === 'call' ? ' with the same options' : '' },
          range: later.fact.range,
          filePath: later.filePath,
          ...(fix ? { fix } : {}),
        });
      }
      return;
    }
    if (!isActiveStack(ctx)) return;
    const entries = placed(ctx).concat(ctx.stack.entries.filter((e) => e.fact.positionUnknown && e.fact.kind !== 'unknown'));
    const reported = new Set<unknown>();
    for (let j = 0; j < entries.length; j++) {
      const later = entries[j]!;
      if (reported.has(later)) continue;
      const earlier = entries.slice(0, j).find((e) => e.duplicateKey === later.duplicateKey && coexist(e, later));
      if (!earlier) continue;
      reported.add(later);
      const text = ctx.textOf(later.filePath);
      const fix = text && later.fact.arrayRange ? removeEntry(text, later) : undefined;
      // Two calls only share a key when their literal arguments are the same (link/stacks.ts).
      const sameCall = later.fact.kind === 'call' && earlier.fact.kind === 'call';
      ctx.report({
        messageId: sameCall ? 'sameCall' : 'duplicate',
        data: {
          name: sameCall ? later.fact.value : later.label,
          first: where(ctx, earlier, later.filePath),
          ...(sameCall ? {} : { framework: frameworkOf(later), check: packageCheck(later) }),
        },
        range: later.fact.range,
        filePath: later.filePath,
        ...(fix ? { fix } : {}),
      });
    }
  },
});
