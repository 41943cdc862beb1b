/**
 * Module aliases: where a bare specifier that the project maps to its own files leads. Nothing is
 * run; only JSON, JSONC and YAML files are read:
 *
 * - the `imports` of the nearest `deno.json`/`deno.jsonc` (or of the import map file its `importMap`
 *   names): exact keys and trailing-slash prefix keys, the longest key winning, as import maps do;
 * - `compilerOptions.paths`/`baseUrl` of the nearest `tsconfig.json`/`jsconfig.json` (with its
 *   `extends` chain), the `imports` of the nearest `package.json` (`#app/*`), and the packages of an
 *   npm/yarn/pnpm workspace, all through TypeScript's own resolver in bundler mode, so that
 *   patterns, fallbacks, `exports` conditions and `extends` behave exactly as they do for `tsc`.
 *
 * A specifier that leads nowhere, or into an installed package, is external: undefined.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { globSync } from 'tinyglobby';
import type { ts } from 'ts-morph';
import { parse as parseYaml } from 'yaml';
import { T } from '../frontends/ts/typescript.js';

/** The file a bare specifier written in `fromFile` names in the project, or undefined. */
export type AliasResolver = (fromFile: string, specifier: string) => string | undefined;

type ReadFile = (path: string) => string | undefined;

/** Files TypeScript may resolve to that hold code (declaration and JSON files do not). */
const CODE_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);
const DECLARATION_EXTENSIONS = new Set(['.d.ts', '.d.mts', '.d.cts']);

interface ImportMap {
  imports: Record<string, string>;
  /** The folder of the file that declares the map: relative targets resolve against it. */
  base: string;
}

interface TsSettings {
  /** Undefined: TypeScript's defaults (no config, or one that sets nothing resolution reads). */
  options?: ts.CompilerOptions;
  cache?: ts.ModuleResolutionCache;
  /** The config maps specifiers (`paths` or `baseUrl`): a bare specifier may be the project's. */
  aliased: boolean;
}

/** No config, or one that changes nothing here: TypeScript need not even be loaded to know it. */
const DEFAULTS: TsSettings = { aliased: false };
/** What a config must mention to change how a bare specifier resolves. */
const RESOLUTION_KEYS = /"(?:extends|paths|baseUrl|customConditions)"/;

interface Workspace {
  root: string;
  /** Package name → the folder that holds it. */
  packages: Map<string, string>;
}

function stat(path: string) {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR: a path through a file
  }
}
export const isFile = (path: string) => stat(path)?.isFile() === true;
export const isDirectory = (path: string) => stat(path)?.isDirectory() === true;

/** A file's text, or undefined when it cannot be read. */
export function readFromDisk(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `@scope/name` or `name`: the package a bare specifier names. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * The value found in the nearest folder at or above `dir` for which `here` finds one (undefined
 * when none does), remembered for every folder walked: many files share one config.
 */
function nearest<V>(dir: string, cache: Map<string, V | null>, here: (dir: string) => V | undefined): V | undefined {
  const walked: string[] = [];
  let found: V | null = null;
  for (let d = dir; ; d = dirname(d)) {
    const known = cache.get(d);
    if (known !== undefined) {
      found = known;
      break;
    }
    walked.push(d);
    const value = here(d);
    if (value !== undefined) {
      found = value;
      break;
    }
    if (dirname(d) === d) break;
  }
  for (const d of walked) cache.set(d, found);
  return found ?? undefined;
}

/**
 * Resolves an import map entry as the import maps standard does: an exact key, or the longest key
 * ending in `/` that prefixes the specifier. Undefined when no key applies; null when the target
 * is not a file of the project (`jsr:`, `npm:`, a URL, a bare name).
 */
function applyImportMap(map: ImportMap, specifier: string): string | null | undefined {
  let key: string | undefined;
  for (const k of Object.keys(map.imports)) {
    const applies = k === specifier || (k.endsWith('/') && specifier.startsWith(k));
    if (applies && (key === undefined || k.length > key.length)) key = k;
  }
  if (key === undefined) return undefined;
  const target = map.imports[key];
  if (typeof target !== 'string' || (key !== specifier && !target.endsWith('/'))) return null;
  const mapped = target + specifier.slice(key.length);
  if (mapped.startsWith('file:')) return fileURLToPath(mapped);
  if (/^[a-z][a-z\d+.-]*:/i.test(mapped)) return null;
  if (mapped.startsWith('./') || mapped.startsWith('../') || mapped.startsWith('/')) return resolve(map.base, mapped);
  return null;
}

/**
 * The package globs of an npm/yarn/pnpm workspace whose root is `dir`: `packages:` of
 * pnpm-workspace.yaml, or `workspaces` (a list, or `{ packages }`) of package.json.
 */
function workspacePatterns(dir: string, readFile: ReadFile): string[] | undefined {
  let patterns: unknown;
  const yamlText = readFile(join(dir, 'pnpm-workspace.yaml'));
  if (yamlText !== undefined) {
    try {
      patterns = (parseYaml(yamlText) as { packages?: unknown } | null)?.packages;
    } catch {
      patterns = undefined;
    }
  }
  if (!Array.isArray(patterns)) {
    const text = readFile(join(dir, 'package.json'));
    const workspaces = text === undefined ? undefined : (parseJsonc(join(dir, 'package.json'), text) as { workspaces?: unknown } | undefined)?.workspaces;
    patterns = isRecord(workspaces) ? workspaces.packages : workspaces;
  }
  return Array.isArray(patterns) ? patterns.filter((p): p is string => typeof p === 'string') : undefined;
}

/** The root of the workspace (monorepo) that holds `dir`, if any. */
export function workspaceRoot(dir: string, readFile: ReadFile = readFromDisk): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (workspacePatterns(d, readFile)) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** Creates the resolver of one run; config files are read once through `readFile`. */
export function createAliasResolver(readFile: ReadFile = readFromDisk): AliasResolver {
  const importMaps = new Map<string, ImportMap | null>();
  const tsSettings = new Map<string, TsSettings | null>();
  const workspaces = new Map<string, Workspace | null>();
  const known: Workspace[] = [];
  let defaults: { options: ts.CompilerOptions; cache: ts.ModuleResolutionCache } | undefined;

  const readJson = (path: string): unknown => {
    const text = readFile(path);
    return text === undefined ? undefined : parseJsonc(path, text);
  };

  const importMapIn = (dir: string): ImportMap | undefined => {
    for (const name of ['deno.json', 'deno.jsonc']) {
      const path = join(dir, name);
      const config = readJson(path) as { imports?: unknown; importMap?: unknown } | undefined;
      if (config === undefined) continue;
      if (isRecord(config.imports)) return { imports: config.imports as Record<string, string>, base: dir };
      if (typeof config.importMap === 'string' && !/^[a-z][a-z\d+.-]*:/i.test(config.importMap)) {
        const mapPath = resolve(dir, config.importMap);
        const map = readJson(mapPath) as { imports?: unknown } | undefined;
        if (map && isRecord(map.imports)) return { imports: map.imports as Record<string, string>, base: dirname(mapPath) };
      }
      // The nearest Deno config governs even when it maps nothing.
      return { imports: {}, base: dir };
    }
    return undefined;
  };

  const tsSettingsIn = (dir: string): TsSettings | undefined => {
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const path = join(dir, name);
      const text = readFile(path);
      if (text === undefined) continue;
      if (!RESOLUTION_KEYS.test(text)) return DEFAULTS;
      const config = parseJsonc(path, text);
      if (config === undefined) return DEFAULTS;
      // `extends` (a path, a package, or a list of them) is followed by TypeScript; `paths` resolve
      // against the config that declares them, or against `baseUrl`. No file list is wanted.
      const host: ts.ParseConfigHost = { useCaseSensitiveFileNames: true, readDirectory: () => [], fileExists: isFile, readFile };
      const parsed = T.parseJsonConfigFileContent(config, host, dir, undefined, path);
      const options = bundler(parsed.options);
      return { ...withCache(options, dir), aliased: options.paths !== undefined || options.baseUrl !== undefined };
    }
    return undefined;
  };

  const workspaceIn = (dir: string): Workspace | undefined => {
    const globs = workspacePatterns(dir, readFile);
    if (!globs) return undefined;
    const packages = new Map<string, string>();
    const folders = globSync(globs, { cwd: dir, onlyDirectories: true, absolute: true, expandDirectories: false, ignore: ['**/node_modules/**'] });
    for (const folder of folders.sort()) {
      const name = (readJson(join(folder, 'package.json')) as { name?: unknown } | undefined)?.name;
      if (typeof name === 'string' && !packages.has(name)) packages.set(name, toSlash(resolve(folder)));
    }
    const workspace = { root: toSlash(dir), packages };
    known.push(workspace);
    return workspace;
  };

  /**
   * A path into `node_modules/<name>` (present or not) where `<name>` is a package of a workspace
   * above it: the package's own folder, as the workspace's symlink would lead.
   */
  const unmount = (path: string): string => {
    const at = path.lastIndexOf('/node_modules/');
    if (at < 0) return path;
    const rest = path.slice(at + '/node_modules/'.length);
    const name = packageName(rest);
    for (const ws of known) {
      const folder = ws.packages.get(name);
      if (folder && path.startsWith(`${ws.root}/`)) return folder + rest.slice(name.length);
    }
    return path;
  };
  const isMountFolder = (path: string): boolean =>
    known.some((ws) => [...ws.packages.keys()].some((name) => `${ws.root}/node_modules/${name}/`.startsWith(`${path}/`)));
  /** A workspace package's manifest as a bundler reads it: without `exports`, `module` before `main`. */
  const readManifest = (path: string): string | undefined => {
    const text = readFile(path);
    if (text === undefined) return undefined;
    try {
      const manifest = JSON.parse(text) as Record<string, unknown>;
      return manifest.exports === undefined && typeof manifest.module === 'string' ? JSON.stringify({ ...manifest, main: manifest.module }) : text;
    } catch {
      return text;
    }
  };
  const host: ts.ModuleResolutionHost = {
    fileExists: (path) => isFile(unmount(path)),
    readFile: (path) => {
      const real = unmount(path);
      return real !== path && real.endsWith('/package.json') ? readManifest(real) : readFile(real);
    },
    directoryExists: (path) => isDirectory(unmount(path)) || isMountFolder(path),
    realpath: unmount,
    useCaseSensitiveFileNames: true,
  };

  return (fromFile, specifier) => {
    try {
      return resolveAlias(fromFile, specifier);
    } catch {
      return undefined; // A config that cannot be read as intended: unknown, so silent.
    }
  };

  function resolveAlias(fromFile: string, specifier: string): string | undefined {
    if (specifier.startsWith('.') || specifier.startsWith('/') || /^[a-z][a-z\d+.-]*:/i.test(specifier)) return undefined;
    const dir = dirname(fromFile);
    const map = nearest(dir, importMaps, importMapIn);
    const mapped = map && applyImportMap(map, specifier);
    if (mapped !== undefined) return mapped ?? undefined;

    const settings = nearest(dir, tsSettings, tsSettingsIn) ?? DEFAULTS;
    const workspace = specifier.startsWith('#') ? undefined : nearest(dir, workspaces, workspaceIn);
    // Only what some config maps is looked up: other packages stay external without a search.
    if (!specifier.startsWith('#') && !settings.aliased && !workspace?.packages.has(packageName(specifier))) return undefined;
    const { options, cache } = settings.options && settings.cache ? { options: settings.options, cache: settings.cache } : (defaults ??= withCache(bundler({}), dir));
    let found = T.resolveModuleName(specifier, fromFile, options, host, cache).resolvedModule;
    if (found && DECLARATION_EXTENSIONS.has(found.extension)) {
      // Types only: the implementation TypeScript's "go to source definition" would find, if any.
      found = T.resolveModuleName(specifier, fromFile, { ...options, noDtsResolution: true }, host).resolvedModule;
    }
    if (!found || !CODE_EXTENSIONS.has(found.extension)) return undefined;
    const file = resolve(found.resolvedFileName);
    // An installed package is external, as before; a workspace package was mapped to its folder.
    return found.isExternalLibraryImport && file.split(/[\\/]/).includes('node_modules') ? undefined : file;
  }
}

/** The options TypeScript's bundler resolution runs with, keeping the config's mappings. */
function bundler(options: ts.CompilerOptions): ts.CompilerOptions {
  return {
    ...options,
    moduleResolution: T.ModuleResolutionKind.Bundler,
    module: T.ModuleKind.ESNext,
    allowJs: true,
    resolvePackageJsonExports: true,
    resolvePackageJsonImports: true,
    customConditions: [...(options.customConditions ?? []), 'node'],
  };
}

function withCache(options: ts.CompilerOptions, dir: string): { options: ts.CompilerOptions; cache: ts.ModuleResolutionCache } {
  return { options, cache: T.createModuleResolutionCache(dir, (f) => f, options) };
}

/** JSON, or JSON with comments and trailing commas (tsconfig, deno.jsonc) read by TypeScript's parser. */
function parseJsonc(path: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const { config, error } = T.parseConfigFileTextToJson(path, text);
    return error ? undefined : (config as unknown);
  }
}

const toSlash = (path: string) => path.split('\\').join('/');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
