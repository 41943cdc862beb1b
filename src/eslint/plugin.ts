import { readdirSync, readFileSync, statSync } from 'node:fs';
import { ESLintUtils, type TSESLint } from '@typescript-eslint/utils';
import { defaultConfig, type NameSettings, type OnionConfig } from '../config.js';
import { lint, type FileResult, type LintHost } from '../engine.js';
import type { KnowledgeExtension } from '../knowledge/django.js';
import { TOOL_VERSION } from '../package-root.js';
import type { Rule } from '../rules/api.js';
import { allRules } from '../../rules/index.js';

import { DOCS_BASE } from './docs-url.js';

export { DOCS_BASE };

/** `settings.onion` in an ESLint config: the same keys as onionlint's own config. */
export interface OnionSettings {
  names?: Partial<NameSettings>;
  roots?: string[];
  presets?: string[];
  knowledge?: KnowledgeExtension[];
}

/**
 * Reads other modules from disk for the link step (a base class, a settings module a stack
 * spreads), cached by path and modification time so an editor session sees files change.
 */
function diskHost(): LintHost {
  const cache = new Map<string, { mtimeMs: number; text: string | undefined }>();
  return {
    readFile(path) {
      let mtimeMs: number;
      try {
        mtimeMs = statSync(path).mtimeMs;
      } catch {
        return undefined;
      }
      const hit = cache.get(path);
      if (hit && hit.mtimeMs === mtimeMs) return hit.text;
      let text: string | undefined;
      try {
        text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
      } catch {
        text = undefined;
      }
      cache.set(path, { mtimeMs, text });
      return text;
    },
    listDirectory: (dir) => readdirSync(dir),
  };
}

const host = diskHost();

/** The engine's config for ESLint: every rule on (ESLint's own severities decide what shows). */
export function engineConfig(settings: OnionSettings | undefined): OnionConfig {
  const config = defaultConfig();
  if (settings?.names) config.names = { ...config.names, ...settings.names };
  if (settings?.roots) config.roots = settings.roots;
  if (settings?.knowledge) config.knowledge = settings.knowledge;
  config.presets = ['strict', ...(settings?.presets ?? []).filter((p) => p !== 'recommended' && p !== 'strict')];
  return config;
}

/**
 * One engine run per file text and settings, shared by all onion rules of that file (as
 * eslint-plugin-regexp shares its per-file analysis): keyed by the SourceCode object that ESLint
 * gives every rule of one file, then by the settings.
 */
const runs = new WeakMap<object, Map<string, FileResult>>();

function resultFor(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): FileResult {
  const sourceCode = context.sourceCode;
  const settings = (context.settings as { onion?: OnionSettings }).onion;
  const key = JSON.stringify(settings ?? {});
  let perFile = runs.get(sourceCode);
  if (!perFile) {
    perFile = new Map();
    runs.set(sourceCode, perFile);
  }
  let result = perFile.get(key);
  if (!result) {
    // The current file's text comes from ESLint: an editor's unsaved buffer wins over the disk.
    result = lint([{ path: context.filename, text: sourceCode.text }], { config: engineConfig(settings), host, eslintHandlesDirectives: true, eslintParsed: true })[0]!;
    perFile.set(key, result);
  }
  return result;
}

const createRule = ESLintUtils.RuleCreator((name) => `${DOCS_BASE}/${name}.md`);

/** Adapts one onionlint rule to ESLint: no logic of its own, only the mapping of reports. */
function adapt(rule: Rule): TSESLint.RuleModule<string, readonly unknown[]> {
  const ruleId = `onion/${rule.meta.id}`;
  return createRule<readonly unknown[], string>({
    name: rule.meta.id,
    meta: {
      type: 'problem',
      docs: { description: rule.meta.description },
      messages: rule.meta.messages,
      schema: rule.meta.schema ? [rule.meta.schema as never] : [],
      ...(rule.meta.fixable ? { fixable: 'code' as const } : {}),
      ...(rule.meta.hasSuggestions ? { hasSuggestions: true } : {}),
    },
    defaultOptions: [],
    create(context) {
      return {
        Program() {
          const result = resultFor(context);
          for (const d of result.diagnostics) {
            if (d.ruleId !== ruleId || !d.messageId) continue;
            const fix = d.fix;
            context.report({
              messageId: d.messageId,
              ...(d.data ? { data: d.data } : {}),
              loc: { start: context.sourceCode.getLocFromIndex(d.range.start), end: context.sourceCode.getLocFromIndex(d.range.end) },
              ...(fix ? { fix: (fixer: TSESLint.RuleFixer) => fixer.replaceTextRange([fix.range.start, fix.range.end], fix.text) } : {}),
              ...(d.suggestions?.length
                ? {
                    suggest: d.suggestions.map((s) => ({
                      messageId: s.messageId,
                      ...(s.data ? { data: s.data } : {}),
                      fix: (fixer: TSESLint.RuleFixer) => fixer.replaceTextRange([s.fix.range.start, s.fix.range.end], s.fix.text),
                    })),
                  }
                : {}),
            });
          }
        },
      };
    },
  }) as unknown as TSESLint.RuleModule<string, readonly unknown[]>;
}

export const rules: Record<string, TSESLint.RuleModule<string, readonly unknown[]>> = Object.fromEntries(allRules.map((rule) => [rule.meta.id, adapt(rule)]));

type Severity = 'error' | 'warn';

export interface OnionFlatConfig {
  name: string;
  plugins: { onion: unknown };
  rules: Record<string, Severity>;
}

const plugin = {
  meta: { name: 'onionlint', version: TOOL_VERSION, namespace: 'onion' },
  rules,
  configs: {} as Record<'recommended' | 'strict' | 'flat/recommended' | 'flat/strict', OnionFlatConfig>,
};

const severities = (pick: (r: Rule) => boolean): Record<string, Severity> =>
  Object.fromEntries(allRules.filter(pick).map((r) => [`onion/${r.meta.id}`, r.meta.severity]));

const recommended: OnionFlatConfig = { name: 'onionlint/recommended', plugins: { onion: plugin }, rules: severities((r) => r.meta.recommended) };
const strict: OnionFlatConfig = { name: 'onionlint/strict', plugins: { onion: plugin }, rules: severities(() => true) };
plugin.configs.recommended = recommended;
plugin.configs.strict = strict;
plugin.configs['flat/recommended'] = recommended;
plugin.configs['flat/strict'] = strict;

export default plugin;
