import { lastSegment } from '../src/knowledge/django.js';
import { defineSettingsRule, isActiveStack } from '../src/rules/stack-helpers.js';

/** An entry that names nothing: Django fails at start-up, before serving a single request. */
export default defineSettingsRule({
  meta: {
    id: 'resolvable-middleware',
    description: 'Every stack entry resolves to a middleware.',
    scope: 'stack',
    severity: 'error',
    recommended: true,
    messages: {
      unknownBuiltin:
        '`{{path}}` is not a Django middleware: start-up fails with `ImportError: Module "{{module}}" does not define a "{{name}}" attribute/class`.{{hint}}',
      removed: '`{{path}}` was {{fate}}: start-up fails with `ImportError`. {{hint}}',
      missingModule:
        '`{{path}}` names module `{{module}}`, which does not exist under `{{root}}`: loading fails with `ModuleNotFoundError: No module named \'{{module}}\'`. Fix the path, or add the folder holding it to `roots`.{{hint}}',
      missingExport:
        '`{{path}}` names `{{name}}`, which `{{file}}` does not export: loading fails with `ImportError: Module "{{module}}" does not define a "{{name}}" attribute/class`. Export it, or fix the name.{{hint}}',
      missingAttribute:
        '`{{path}}` names `{{name}}`, which `{{file}}` does not define: start-up fails with `ImportError: Module "{{module}}" does not define a "{{name}}" attribute/class`.{{hint}}',
      notConstructible:
        '`{{path}}` cannot be built with `get_response`: Django fails at start-up with `{{error}}`. Give it `__init__(self, get_response)`, or derive it from `MiddlewareMixin`.',
      hooksNeverCalled:
        '`{{path}}` is a plain class: Django never calls its {{hooks}} (it calls only `__call__`, `process_view`, `process_exception` and `process_template_response`). Derive it from `django.utils.deprecation.MiddlewareMixin`, or do the work in `__call__`.',
      notDottedPath:
        '`{{path}}` is not a dotted path: Django imports each entry by its path and fails at start-up with `{{error}}`. List it as `"package.module.Name"`.',
      notMiddleware:
        '`{{path}}` is not middleware: {{why}}. Django fails at start-up (`TypeError: {{name}}() takes no arguments`, or a handler that never runs). List a middleware class or factory instead.',
      notMiddlewarePython:
        '`{{path}}` is not middleware: {{why}}. Django calls each entry once at start-up with `get_response` and serves every request with what that returns. List a middleware class or factory instead.',
    },
  },
  check(ctx) {
    if (!isActiveStack(ctx)) return;
    for (const entry of ctx.stack.entries) {
      const r = entry.resolution;
      if (r.kind !== 'unresolved') continue;
      const path = entry.fact.value;
      const module = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : path;
      const at = { range: entry.fact.range, filePath: entry.filePath };
      switch (r.problem) {
        case 'unknownBuiltin':
          ctx.report({ messageId: 'unknownBuiltin', data: { path, module, name: lastSegment(path), hint: didYouMean(r.suggestion) }, ...at });
          break;
        case 'removed':
          ctx.report({ messageId: 'removed', data: { path, fate: r.fate, hint: r.replacement ? `Use \`${r.replacement}\` instead.` : 'Remove the entry.' }, ...at });
          break;
        case 'missingModule':
          ctx.report({ messageId: 'missingModule', data: { path, module: r.module, root: r.root, hint: didYouMean(r.suggestion) }, ...at });
          break;
        case 'missingExport':
          // A Python module has no export list: every name it binds is an attribute.
          ctx.report({
            messageId: r.file.endsWith('.py') ? 'missingAttribute' : 'missingExport',
            data: { path, name: r.name, file: r.file.slice(r.file.lastIndexOf('/') + 1), module: r.module, hint: didYouMean(r.suggestion) },
            ...at,
          });
          break;
        case 'notConstructible':
          ctx.report({ messageId: 'notConstructible', data: { path, error: r.error }, ...at });
          break;
        case 'hooksNeverCalled':
          ctx.report({ messageId: 'hooksNeverCalled', data: { path, hooks: r.hooks.map((h) => `\`${h}\``).join(' and ') }, ...at });
          break;
        case 'notDottedPath':
          ctx.report({ messageId: 'notDottedPath', data: { path, error: r.error }, ...at });
          break;
        case 'notMiddleware':
          ctx.report({ messageId: r.file.endsWith('.py') ? 'notMiddlewarePython' : 'notMiddleware', data: { path, why: r.why, name: lastSegment(r.name) }, ...at });
          break;
      }
    }
  },
});

function didYouMean(suggestion: string | undefined): string {
  return suggestion ? ` Did you mean \`${suggestion}\`?` : '';
}
