import { dirname, isAbsolute, resolve } from 'node:path';
import { lilconfig } from 'lilconfig';
import type { z as Zod } from 'zod';
import { defaultConfig, type OnionConfig } from '../config.js';
import { allRules } from '../../rules/index.js';
import { isKnownEquivalentTarget } from '../knowledge/django.js';

const SEVERITIES = ['off', 'warn', 'error'] as const;
const PRESETS = ['recommended', 'strict', 'deploy'] as const;

/** onionlint's configuration file, validated key by key (what ESLint users expect of a linter config). */
function buildSchema(z: typeof Zod) {
  const severity = z.enum(SEVERITIES);
  const names = z.array(z.string().min(1));
  return z
    .object({
      rules: z.record(z.string(), z.union([severity, z.tuple([severity]), z.tuple([severity, z.record(z.string(), z.unknown())])])).optional(),
      names: z.object({ handler: names, next: names, nextTypes: names, stack: names, bases: names }).partial().strict().optional(),
      roots: z.array(z.string()).optional(),
      knowledge: z
        .array(
          z
            .object({ path: z.string().min(1), sets: names, needs: names, below: names, above: names, equivalent: z.string().min(1), note: z.string() })
            .partial()
            .required({ path: true })
            .strict(),
        )
        .optional(),
      ignorePatterns: z.array(z.string()).optional(),
      presets: z.array(z.enum(PRESETS)).optional(),
    })
    .strict();
}

let schema: ReturnType<typeof buildSchema> | undefined;

/** The schema, built on first use: loading zod takes a third of a warm cached run's start-up, and most runs find no configuration file. */
async function configSchema(): Promise<ReturnType<typeof buildSchema>> {
  return (schema ??= buildSchema((await import('zod')).z));
}

export type ConfigFile = Zod.infer<ReturnType<typeof buildSchema>>;

/** A configuration the user wrote wrong: the message names the key and what it accepts. */
export class ConfigError extends Error {}

const ACCEPTS: Record<string, string> = {
  rules: 'an object of rule id → "off" | "warn" | "error" or ["off" | "warn" | "error", options]',
  names: 'an object with handler, next, nextTypes, stack, bases (each a list of names)',
  roots: 'a list of folders',
  knowledge: 'a list of { path, sets?, needs?, below?, above?, equivalent?, note? }',
  ignorePatterns: 'a list of gitignore-style patterns',
  presets: `a list of ${PRESETS.map((p) => `"${p}"`).join(', ')}`,
};

function describeIssue(issue: Zod.core.$ZodIssue): string {
  const key = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `in "${issue.path.join('.')}"` : 'at the top level';
    return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} ${where}; accepted keys: ${issue.path.length ? 'see the README' : Object.keys(ACCEPTS).join(', ')}`;
  }
  if (issue.path[0] === 'rules' && issue.path.length >= 2) return `"${key}" must be "off", "warn", "error" or ["off" | "warn" | "error", { options }]`;
  if (issue.code === 'invalid_value' && 'values' in issue) return `"${key}" must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  const top = String(issue.path[0] ?? '');
  return `"${key}": ${issue.message}${ACCEPTS[top] ? ` (expected ${ACCEPTS[top]})` : ''}`;
}

/** Checks a loaded config object and merges it over the defaults. */
export async function resolveConfig(raw: unknown, filepath: string): Promise<{ config: OnionConfig; ignorePatterns: string[] }> {
  const parsed = (await configSchema()).safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration in ${filepath}: ${parsed.error.issues.map(describeIssue).join('; ')}.`);
  }
  const file = parsed.data;
  const known = new Set(allRules.map((r) => r.meta.id));
  for (const id of Object.keys(file.rules ?? {})) {
    const bare = id.replace(/^onion\//, '');
    if (!known.has(bare)) throw new ConfigError(`Invalid configuration in ${filepath}: "rules.${id}" is not a rule; known rules: ${[...known].join(', ')}.`);
  }
  const config = defaultConfig();
  for (const [id, setting] of Object.entries(file.rules ?? {})) config.rules[id.replace(/^onion\//, '')] = setting as OnionConfig['rules'][string];
  if (file.names) config.names = { ...config.names, ...file.names };
  const base = dirname(filepath);
  if (file.roots) config.roots = file.roots.map((r) => (isAbsolute(r) ? r : resolve(base, r)));
  if (file.knowledge) {
    // `equivalent` names a middleware the knowledge base knows; anything else would silently count for nothing.
    file.knowledge.forEach((entry, i) => {
      if (entry.equivalent !== undefined && !isKnownEquivalentTarget(entry.equivalent, file.knowledge)) {
        throw new ConfigError(
          `Invalid configuration in ${filepath}: "knowledge.${i}.equivalent" must be the dotted path of a middleware onionlint knows (a Django built-in such as "django.contrib.auth.middleware.AuthenticationMiddleware", a third-party package's, or another knowledge entry's path); "${entry.equivalent}" is not one.`,
        );
      }
    });
    config.knowledge = file.knowledge;
  }
  if (file.presets) config.presets = file.presets.includes('recommended') || file.presets.includes('strict') ? [...file.presets] : ['recommended', ...file.presets];
  return { config, ignorePatterns: file.ignorePatterns ?? [] };
}

export interface LoadedConfig {
  config: OnionConfig;
  ignorePatterns: string[];
  /** The file it came from, when there is one. */
  filepath?: string;
}

const SEARCH_PLACES = ['package.json', 'onionlint.config.json', 'onionlint.config.js', 'onionlint.config.mjs'];

/**
 * Finds the configuration from the working directory upwards (an `onionlint` key in package.json,
 * or onionlint.config.{json,js,mjs}), or loads the one named by --config. A JavaScript config is
 * the only code onionlint ever runs: the project's own, never the code it lints.
 */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const explorer = lilconfig('onionlint', {
    searchPlaces: SEARCH_PLACES,
    loaders: {
      '.json': (filepath, content) => {
        try {
          return JSON.parse(content) as unknown;
        } catch (error) {
          throw new ConfigError(`Cannot read ${filepath}: ${(error as Error).message}.`);
        }
      },
      '.js': async (filepath) => ((await import(pathToUrl(filepath))) as { default?: unknown }).default,
      '.mjs': async (filepath) => ((await import(pathToUrl(filepath))) as { default?: unknown }).default,
    },
  });
  let result;
  try {
    result = explicit ? await explorer.load(resolve(cwd, explicit)) : await explorer.search(cwd);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`Cannot read the configuration file "${explicit}": it does not exist.`);
    throw new ConfigError(`Cannot load the configuration${explicit ? ` "${explicit}"` : ''}: ${(error as Error).message}`);
  }
  if (!result || result.config === undefined) return { config: defaultConfig(), ignorePatterns: [] };
  return { ...(await resolveConfig(result.config, result.filepath)), filepath: result.filepath };
}

function pathToUrl(path: string): string {
  return new URL(`file://${path}`).href;
}
