import { BUILTINS, lastSegment, PRESENCE_REQUIREMENTS } from '../src/knowledge/django.js';
import { defineSettingsRule, isActiveStack, knownOf, standsFor } from '../src/rules/stack-helpers.js';
import { NODE_MIDDLEWARE, NODE_REQUIREMENTS } from '../src/knowledge/node.js';
import type { NodeStackEntry } from '../src/link/app-stacks.js';
import { runsBefore } from '../src/rules/app-stack.js';

/**
 * What the stack must contain: the admin needs Authentication, Message and Session middleware
 * (Django's admin.E408–E410); installed packages need theirs (allauth.account, axes,
 * debug_toolbar); built-ins need the layers that set what they read, and the apps they check for
 * at start-up; the opt-in `deploy` preset wants Security, CSRF and X-Frame-Options
 * (security.W001–W003). A subclass or a config `equivalent` meets a requirement, except where the
 * check compares the exact string (allauth, axes).
 */
export default defineSettingsRule({
  meta: {
    id: 'required-middleware',
    description: 'The stack contains the middleware that installed apps and its own entries need.',
    scope: 'stack',
    severity: 'warn',
    recommended: true,
    messages: {
      required: '`{{setting}}` lacks `{{name}}` ({{check}}: {{reason}}). Add `{{path}}`.',
      missingProvider:
        '`{{name}}` reads `request.{{attribute}}`, which no entry of `{{setting}}` sets: every request fails{{failure}}. Add `{{provider}}` above it.',
      nodeRequired: '`{{name}}` needs a middleware that no registration on `{{setting}}` provides ({{message}}). Register {{providers}} above it.',
      missingApp: '`{{name}}` needs `{{app}}` in `INSTALLED_APPS`, which does not list it: Django fails at start-up with `{{failure}}`. Add `{{app}}` to `INSTALLED_APPS`.',
    },
  },
  check(ctx) {
    const { stack } = ctx;
    if (stack.framework !== undefined) {
      // An application whose every layer is known: a package that needs another that no layer provides.
      // A router or a configure function may be mounted on an app that has it; an unknown layer may provide it.
      if (stack.appRole !== 'app' || stack.open) return;
      const entries = stack.entries as NodeStackEntry[];
      // A layer onionlint does not know may be the provider, unless it runs after the one that needs it.
      const opaque = (e: NodeStackEntry) => e.fact.kind === 'unknown' || (e.node.known === undefined && e.node.kind !== 'route' && e.node.unit?.handler === undefined);
      const provides = (e: NodeStackEntry, what: string) => e.node.known?.id === what || (e.node.known?.provides ?? []).includes(what);
      for (const req of NODE_REQUIREMENTS) {
        const needing = entries.find((e) => e.node.known?.id === req.id);
        if (!needing || entries.some((e) => req.anyOf.some((what) => provides(e, what)))) continue;
        if (entries.some((e) => opaque(e) && !runsBefore(needing, e))) continue;
        // A project layer that sets what the providers set may be one of them.
        const attributes = NODE_MIDDLEWARE.filter((m) => req.anyOf.some((what) => m.id === what || (m.provides ?? []).includes(what))).flatMap((m) => m.sets);
        if (entries.some((e) => e.node.unit && e.sets.some((a) => attributes.includes(a)))) continue;
        const names = NODE_MIDDLEWARE.filter((m) => req.anyOf.some((what) => m.id === what || (m.provides ?? []).includes(what)) && m.frameworks.includes(stack.framework!)).map((m) => `\`${m.label}\` (${m.exports[0]!.package})`);
        ctx.report({
          messageId: 'nodeRequired',
          data: { name: needing.label, setting: stack.setting, message: req.message.replace(/\.$/, ''), providers: names.join(' or ') || req.anyOf.join(' or ') },
          range: needing.fact.range,
          filePath: needing.filePath,
        });
      }
      return;
    }
    // A base list spread into another, or one with entries that cannot be known, may be completed elsewhere.
    if (!isActiveStack(ctx) || !stack.final || stack.open) return;
    const present = (path: string, exact: boolean) => stack.entries.some((e) => (exact ? e.fact.kind === 'string' && e.fact.value === path : standsFor(e, path)));
    for (const req of PRESENCE_REQUIREMENTS) {
      const applies = 'installedApp' in req.when ? stack.installedApps?.includes(req.when.installedApp) === true : ctx.presets.includes(req.when.preset);
      if (!applies || present(req.path, req.exact === true)) continue;
      ctx.report({
        messageId: 'required',
        data: { setting: stack.setting, name: lastSegment(req.path), check: req.check, reason: req.message, path: req.path },
        range: stack.nameRange,
      });
    }
    for (const entry of stack.entries) {
      // An app some configuration installs (`if DEBUG:`) may be there: only one no configuration lists counts.
      for (const { app, failure } of knownOf(entry)?.requiresApps ?? []) {
        if (!stack.possibleApps || stack.possibleApps.includes(app)) continue;
        ctx.report({ messageId: 'missingApp', data: { name: entry.label, app, failure: failure.replace(/\.$/, '') }, range: entry.fact.range, filePath: entry.filePath });
      }
      const known = entry.resolution.kind === 'builtin' ? entry.resolution.known : undefined;
      if (!known) continue;
      for (const need of entry.needs) {
        if (stack.entries.some((other) => other !== entry && other.sets.includes(need.attribute))) continue;
        const provider = BUILTINS.find((b) => b.sets.includes(need.attribute));
        if (!provider) continue;
        ctx.report({
          messageId: 'missingProvider',
          data: { name: entry.label, attribute: need.attribute, setting: stack.setting, failure: known.failure ? ` with \`${known.failure.replace(/\.$/, '')}\`` : '', provider: provider.path },
          range: entry.fact.range,
          filePath: entry.filePath,
        });
      }
    }
  },
});
