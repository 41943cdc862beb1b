import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { OnionConfig } from '../config.js';
import { frontendOptions, lint, lintProject, type FileResult, type LintHost, type LintInput } from '../engine.js';
import { collectFacts, type Concurrency } from '../facts/index.js';
import { ensurePythonParser, isPythonPath } from '../frontends/python/index.js';
import { workspaceRoot } from '../link/aliases.js';
import { pythonProjectDir, pythonSettingsFiles } from '../link/python-settings.js';
import { CACHE_STRATEGIES, defaultCacheLocation, FactsCache, type CacheStrategy } from '../facts/cache.js';
import { PACKAGE_ROOT, TOOL_VERSION } from '../package-root.js';
import type { Diagnostic, FileFacts } from '../model.js';
import { allRules } from '../../rules/index.js';
import { collectFiles, IGNORED_FILE_MESSAGE, isPathIgnored, unmatchedMessage, type WalkOptions } from './files.js';
import { toLintResult, totals, type Formatter, type LintResult } from './format/results.js';
import { readSource, type ReadOutcome } from './read.js';
import { ConfigError, loadConfig, type LoadedConfig } from './config-file.js';

export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Standard input, for --stdin (read whole). */
  readStdin?: () => Promise<string>;
}

/** The output formats, each loaded only when chosen: a run pays the start-up time of its own format only. */
const formatters: Record<string, () => Promise<Formatter>> = {
  stylish: async () => (await import('./format/stylish.js')).stylish,
  json: async () => (await import('./format/json.js')).json,
  compact: async () => (await import('./format/compact.js')).compact,
  sarif: async () => (await import('./format/sarif.js')).sarif,
  github: async () => (await import('./format/github.js')).github,
};

/** A problem the user caused (bad flag, missing path, bad config): a message and exit code 2. */
export class UsageError extends Error {}

const MAX_FIX_PASSES = 10;

interface LintFlags {
  config?: string;
  format: string;
  fix?: boolean;
  fixDryRun?: boolean;
  maxWarnings?: number;
  quiet?: boolean;
  color?: boolean;
  ignore?: boolean;
  ignorePattern: string[];
  rule: string[];
  cache?: boolean;
  cacheLocation?: string;
  cacheStrategy: CacheStrategy;
  concurrency: Concurrency;
  stdin?: boolean;
  stdinFilename?: string;
  errorOnUnmatchedPattern?: boolean;
  warnIgnored?: boolean;
}

function parseConcurrency(value: string): Concurrency {
  if (value === 'auto' || value === 'off') return value;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of threads, "auto" or "off".');
  return n;
}

function parseWarnings(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of warnings (0 or more).');
  return n;
}

/** `--rule return-response:off` → config.rules entry. */
function applyRuleFlags(config: OnionConfig, flags: string[]): void {
  const known = new Set(allRules.map((r) => r.meta.id));
  for (const flag of flags) {
    const m = /^(?:onion\/)?([\w-]+):(off|warn|error)$/.exec(flag.trim());
    if (!m) throw new UsageError(`--rule expects <rule-id>:<off|warn|error>, got "${flag}".`);
    if (!known.has(m[1]!)) throw new UsageError(`--rule names an unknown rule "${m[1]}". Known rules: ${[...known].join(', ')}.`);
    config.rules[m[1]!] = m[2] as 'off' | 'warn' | 'error';
  }
}

/** Whether to colour output: --no-color and NO_COLOR turn it off, FORCE_COLOR on, else a TTY decides. */
function useColor(flag: boolean | undefined, io: CliIO): boolean {
  const env = io.env ?? process.env;
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return io.stdout.isTTY === true;
}

/**
 * Reads project files when something needs their text — a file with a report or a fix, a unit a
 * rule judges, a base class or settings module for the link step — each once; never runs them.
 */
function diskHost(): LintHost & { bom(path: string): boolean } {
  const reads = new Map<string, ReadOutcome>();
  const read = (path: string) => {
    let outcome = reads.get(path);
    if (!outcome) reads.set(path, (outcome = readSource(path)));
    return outcome;
  };
  return {
    readFile(path) {
      const outcome = read(path);
      return outcome.ok ? outcome.text : undefined;
    },
    bom: (path) => {
      const outcome = read(path);
      return outcome.ok && outcome.bom;
    },
    listDirectory: (dir) => readdirSync(dir),
  };
}

async function runLint(paths: string[], flags: LintFlags, io: CliIO, loaded: LoadedConfig): Promise<number> {
  const { config } = loaded;
  const loadFormatter = formatters[flags.format];
  if (!loadFormatter) throw new UsageError(`--format must be one of: ${Object.keys(formatters).join(', ')} (got "${flags.format}").`);
  const formatter = await loadFormatter();
  applyRuleFlags(config, flags.rule);

  // The files to lint, in order. Only the text on stdin is known up front: files are read when their
  // facts are computed (not at all when the cache knows them unchanged), and again only if needed.
  const sources: LintInput[] = [];
  let showProgress = false;
  /** Files named explicitly (or by --stdin-filename) that an ignore rule excludes: a warning each, not linted. */
  let ignored: string[] = [];
  const walkOptions: WalkOptions = {
    cwd: io.cwd,
    useGitignore: flags.ignore !== false,
    ignorePatterns: flags.ignore === false ? [] : [...loaded.ignorePatterns, ...flags.ignorePattern],
  };
  if (flags.stdin) {
    const text = (await (io.readStdin ?? readProcessStdin)()).replace(/^\uFEFF/, '');
    const path = resolve(io.cwd, flags.stdinFilename ?? '<text>');
    if (flags.stdinFilename !== undefined && isPathIgnored(path, walkOptions)) ignored = [path];
    else sources.push({ path, text });
  } else {
    const collected = collectFiles(paths, walkOptions);
    const { files, unmatched } = collected;
    ignored = collected.ignored;
    if (unmatched.length && flags.errorOnUnmatchedPattern !== false) throw new UsageError(unmatched.map(unmatchedMessage).join('\n'));
    showProgress = io.stderr.isTTY === true && flags.format === 'stylish' && files.length > 300;
    if (showProgress) io.stderr.write(`Linting ${files.length} files…`);
    for (const path of files) sources.push({ path });
  }

  // The cache serves files read from disk (not the text on stdin).
  const frontend = frontendOptions(config);
  const cache =
    flags.cache && !flags.stdin
      ? FactsCache.open(flags.cacheLocation ? resolve(io.cwd, flags.cacheLocation) : defaultCacheLocation(io.cwd), frontend, flags.cacheStrategy, { warn: (m) => io.stderr.write(`${m}\n`) })
      : undefined;
  const { facts, unreadable } = await collectFacts(sources, { frontend, concurrency: flags.concurrency, ...(cache ? { cache } : {}) });
  if (showProgress) io.stderr.write('\r\x1b[K');
  const readable = sources.filter((s) => !unreadable.has(s.path));
  const host = diskHost();
  const context = settingsAround(readable, facts, config, io.cwd, flags);
  // Complete facts of dormant files: from the cache, and those the link step computes now (for the next run).
  const completions = cache?.completions() ?? new Map();
  let results = lint(readable, { config, host, facts, context, completions });
  if (cache) {
    cache.addCompletions(completions);
    try {
      cache.save();
    } catch {
      // A cache that cannot be written only costs time on the next run.
    }
  }

  const outputs = new Map<string, string>();
  if (flags.fix || flags.fixDryRun) {
    const { applyFixes } = await import('../fix.js');
    // The texts the fixes changed; the other files keep their facts.
    const texts = new Map<string, string>();
    for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
      let changed = false;
      for (const result of results) {
        const fixes = result.diagnostics.filter((d) => d.fix && !d.fatal).map((d) => d.fix!);
        if (fixes.length === 0) continue;
        const { output, applied } = applyFixes(result.text, fixes);
        if (applied.length === 0 || output === result.text) continue;
        texts.set(result.filePath, output);
        changed = true;
      }
      if (!changed) break;
      results = lint(
        readable.map((s) => (texts.has(s.path) ? { path: s.path, text: texts.get(s.path)! } : s)),
        { config, host, context, facts: new Map([...facts].filter(([path]) => !texts.has(path))) },
      );
    }
    for (const s of readable) {
      const text = texts.get(s.path);
      if (text !== undefined && text !== (s.text ?? host.readFile(s.path))) outputs.set(s.path, text);
    }
    if (flags.fix && !flags.stdin) {
      for (const s of readable) {
        const text = outputs.get(s.path);
        if (text !== undefined) writeFileSync(s.path, (host.bom(s.path) ? '\uFEFF' : '') + text);
      }
    }
  }

  const unreadableResults: FileResult[] = [...unreadable].map(([path, message]) => notLinted(path, message, 2));
  const byPath = new Map([...results, ...unreadableResults].map((r) => [r.filePath, r]));
  let lintResults: LintResult[] = sources.map((s) => toLintResult(byPath.get(s.path)!));
  if (ignored.length && flags.warnIgnored !== false) {
    lintResults = [...lintResults, ...ignored.map((path) => toLintResult(notLinted(path, IGNORED_FILE_MESSAGE, 1)))].sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
  }
  if (flags.quiet) {
    lintResults = lintResults.map((r) => ({ ...r, messages: r.messages.filter((m) => m.severity === 2), warningCount: 0, fixableWarningCount: 0 }));
  }
  const rendered = flags.format === 'json' && outputs.size
    ? JSON.stringify(JSON.parse(formatter(lintResults, { cwd: io.cwd, color: false })).map((r: LintResult) => (outputs.has(r.filePath) ? { ...r, output: outputs.get(r.filePath) } : r)))
    : formatter(lintResults, { cwd: io.cwd, color: useColor(flags.color, io) });
  if (rendered) io.stdout.write(rendered.endsWith('\n') ? rendered : `${rendered}\n`);

  const t = totals(lintResults);
  if (t.errors > 0) return 1;
  if (flags.maxWarnings !== undefined && t.warnings > flags.maxWarnings) {
    io.stderr.write(`onionlint found too many warnings (maximum: ${flags.maxWarnings}).\n`);
    return 1;
  }
  return 0;
}

/** A file reported with one message and not linted: unreadable (a fatal error) or ignored (a warning). */
function notLinted(path: string, message: string, severity: 1 | 2): FileResult {
  const diagnostic: Diagnostic = { ruleId: null, severity, message, filePath: path, range: { start: 0, end: 0 }, ...(severity === 2 ? { fatal: true } : {}) };
  return { filePath: path, text: '', diagnostics: [diagnostic] };
}

/**
 * When some given file holds a class that only a stack can make middleware (its next layer has an
 * unusual name), the project's settings modules are read as context, so that a run on a few staged
 * files judges it as the whole-project run would. Nothing is reported in them.
 */
function settingsAround(given: LintInput[], facts: Map<string, FileFacts>, config: OnionConfig, cwd: string, flags: LintFlags): Array<{ path: string; text: string }> {
  // A run that was given settings modules (the whole project, say) already has its stacks.
  if (given.some((s) => (facts.get(s.path)?.stacks.length ?? 0) > 0)) return [];
  // A Python class that only a listing (or a base we cannot read) makes middleware: the settings
  // modules the Django project names (DJANGO_SETTINGS_MODULE), or those assigning MIDDLEWARE.
  const pythonUndecided = given.find((s) => isPythonPath(s.path) && facts.get(s.path)?.units.some((u) => u.evidence === 'position' || u.evidence === 'base'));
  const pythonProject = pythonUndecided && pythonProjectDir(dirname(pythonUndecided.path));
  // Outside a Django project (no manage.py, no pyproject.toml) a Python file has no settings to find.
  if (pythonProject) {
    const givenPaths = new Set(given.map((s) => s.path));
    return pythonSettingsFiles(pythonProject, config.roots).flatMap((path) => {
      const read = givenPaths.has(path) ? undefined : readSource(path);
      return read?.ok ? [{ path, text: read.text }] : [];
    });
  }
  // Undecided: a class whose first constructor parameter may be a next layer under another name, or
  // a factory whose only evidence is its position. In a file that was only parsed for syntax, a
  // class with a constructor, or a function whose first parameter has a next-layer name, is enough
  // to ask (such a file is read again here, and not kept).
  const nextNames = config.names.next.map((n) => n.replace(/[$]/g, '\\$')).join('|');
  const nextParam = new RegExp(`\\(\\s*(?:${nextNames})\\s*[,)=:?]|(?<![\\w$.])(?:${nextNames})\\s*=>`);
  const mayDeclareOne = (s: LintInput) => {
    const read = s.text === undefined ? readSource(s.path) : undefined;
    const text = s.text ?? (read?.ok ? read.text : '');
    return (/\bclass\b/.test(text) && /\bconstructor\s*\(\s*[\w$]/.test(text)) || (nextNames !== '' && nextParam.test(text));
  };
  // Python files were decided above: outside a Django project (no manage.py or pyproject.toml), no settings.
  const undecided = given.find((s) => {
    if (isPythonPath(s.path)) return false;
    const f = facts.get(s.path);
    return f?.units.some((u) => u.evidence === 'position') || (f?.dormant && mayDeclareOne(s));
  });
  if (!undecided) return [];
  let root = dirname(undecided.path);
  while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
  // A package of a monorepo is listed by the settings of another package: look from the workspace root.
  root = workspaceRoot(root) ?? root;
  const { files } = collectFiles([root], { cwd, useGitignore: flags.ignore !== false, ignorePatterns: [] });
  if (files.length > 20_000) return [];
  const givenPaths = new Set(given.map((s) => s.path));
  const names = [...config.names.stack, 'MIDDLEWARE_CLASSES'];
  const out: Array<{ path: string; text: string }> = [];
  for (const path of files) {
    if (givenPaths.has(path)) continue;
    const read = readSource(path);
    if (read.ok && names.some((n) => read.text.includes(n))) out.push({ path, text: read.text });
  }
  return out;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('onionlint')
    .description('Lint onion-model (Django-style) middleware and the stacks that list them.')
    .version(TOOL_VERSION, '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run onionlint --help for usage)');

  program
    .command('lint', { isDefault: true })
    .description('lint files and folders (the default command)')
    .argument('[paths...]', 'files and folders to lint', [])
    .option('-c, --config <path>', 'use this configuration file instead of searching for one')
    .addOption(new Option('-f, --format <name>', `output format: ${Object.keys(formatters).join(', ')}`).default('stylish'))
    .option('--fix', 'apply fixes to the files in place')
    .option('--fix-dry-run', 'compute fixes without writing them (json output carries `output`)')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this', parseWarnings)
    .option('--quiet', 'report errors only')
    .option('--no-color', 'never colour the output')
    .option('--no-ignore', 'do not honour .gitignore files or ignore patterns')
    .option('--ignore-pattern <pattern>', 'gitignore-style pattern of paths to skip (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--no-error-on-unmatched-pattern', 'skip a path that yields no file to lint (missing, all ignored, no source) instead of exiting 2')
    .option('--no-warn-ignored', 'no warning for a named file that an ignore rule excludes')
    .option('--rule <id:severity>', 'override one rule, e.g. return-response:warn (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--cache', 'reuse facts of unchanged files between runs')
    .option('--cache-location <path>', 'where the cache file lives (default node_modules/.cache/onionlint/facts.json)')
    .addOption(new Option('--cache-strategy <strategy>', 'how the cache detects changed files: metadata (size and times, no read) or content (hash)').choices(CACHE_STRATEGIES).default('metadata'))
    .addOption(new Option('--concurrency <n>', 'worker threads: a number, "auto" or "off"').argParser(parseConcurrency).default('auto'))
    .option('--stdin', 'lint the text on standard input')
    .option('--stdin-filename <path>', 'the file name to report for --stdin (decides the language)')
    .addHelpText(
      'after',
      `
Examples:
  onionlint                         lint the current folder
  onionlint src/middleware settings.ts
  onionlint --fix src               apply the safe fixes in place
  onionlint -f json . > report.json ESLint-compatible JSON
  cat mw.ts | onionlint --stdin --stdin-filename mw.ts

Exit codes: 0 no errors, 1 errors (or too many warnings), 2 usage or internal error
(including a path that yields no file to lint: missing, all its files ignored, or no source).`,
    )
    .action(async (paths: string[], flags: LintFlags) => {
      setExit(await runLint(paths, flags, io, await configFor(io, flags.config)));
    });

  program
    .command('rules')
    .description('list the rules with their default severity and fixability')
    .action(() => {
      const rows = allRules.map((r) => [`onion/${r.meta.id}`, r.meta.recommended ? r.meta.severity : 'off', r.meta.fixable ? 'fixable' : '', r.meta.description]);
      const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
      for (const row of rows) io.stdout.write(`${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')}\n`);
      setExit(0);
    });

  program
    .command('stack')
    .description('draw the onion a settings file or a Node app declares: each layer, what it sets and needs, its problems')
    .argument('<file>', 'the settings module that declares MIDDLEWARE, or the module that builds a Node app or router')
    .addOption(new Option('-f, --format <name>', 'text or json').choices(['text', 'json']).default('text'))
    .option('--no-color', 'never colour the output')
    .option('-c, --config <path>', 'use this configuration file instead of searching for one')
    .action(async (file: string, flags: { format: 'text' | 'json'; color?: boolean; config?: string }) => {
      if (isPythonPath(file)) await ensurePythonParser();
      setExit(await runStack(file, flags, io, (await configFor(io, flags.config)).config));
    });

  program
    .command('explain')
    .description("print a rule's documentation")
    .argument('<rule-id>', 'e.g. return-response')
    .action((id: string) => {
      const bare = id.replace(/^onion\//, '');
      const rule = allRules.find((r) => r.meta.id === bare);
      if (!rule) throw new UsageError(`Unknown rule "${id}". Run \`onionlint rules\` to list them.`);
      io.stdout.write(readFileSync(join(PACKAGE_ROOT, 'docs', 'rules', `${bare}.md`), 'utf8'));
      setExit(0);
    });
  return program;
}

async function configFor(io: CliIO, explicit: string | undefined): Promise<LoadedConfig> {
  try {
    return await loadConfig(io.cwd, explicit);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

async function runStack(file: string, flags: { format: 'text' | 'json'; color?: boolean }, io: CliIO, config: OnionConfig): Promise<number> {
  const { buildPicture, renderPicture, buildNodePicture, renderNodePicture } = await import('./stack-view.js');
  const path = resolve(io.cwd, file);
  const read = readSource(path);
  if (!read.ok) throw new UsageError(`Cannot lint "${file}": ${read.message}`);
  const host = diskHost();
  const first = lintProject([{ path, text: read.text }], { config, host });
  const stacks = first.model.stackContexts.filter((c) => c.filePath === path).map((c) => c.stack);
  if (stacks.length === 0) {
    throw new UsageError(
      `"${file}" declares no ${config.names.stack.join(' or ')} list and no Node app or router (\`express()\`, \`express.Router()\`, \`new Koa()\`, \`new Router()\`, \`new Hono()\`, ...) with registrations: give the settings module or the file that builds the app.`,
    );
  }
  // Lint every file the stack's entries are written in (a base settings file, a mounted router's
  // module, the module of a project middleware), so the problems of each layer show too.
  const files = [
    ...new Set([
      path,
      ...stacks.flatMap((st) => st.entries.flatMap((e) => [e.filePath, ...(st.framework !== undefined && e.resolution.kind === 'project' ? [e.resolution.filePath] : [])])),
    ]),
  ];
  const inputs = files.map((f) => ({ path: f, text: f === path ? read.text : (host.readFile(f) ?? '') }));
  const { results, model } = lintProject(inputs, { config, host });
  const diagnostics = results.flatMap((r) => r.diagnostics);
  const textOf = (f: string) => inputs.find((i) => i.path === f)?.text ?? host.readFile(f);
  const color = useColor(flags.color, io);
  const pictures = model.stackContexts
    .filter((c) => c.filePath === path)
    .map((c) => {
      if (c.stack.framework === undefined) {
        const data = buildPicture(c.stack, diagnostics, textOf, io.cwd);
        return { data, text: () => renderPicture(data, color) };
      }
      const data = buildNodePicture(c.stack, diagnostics, textOf, io.cwd);
      return { data, text: () => renderNodePicture(data, color) };
    });
  if (flags.format === 'json') io.stdout.write(`${JSON.stringify(pictures.length === 1 ? pictures[0]!.data : pictures.map((p) => p.data), null, 2)}\n`);
  else io.stdout.write(pictures.map((p) => p.text()).join('\n'));
  const errors = pictures.some(({ data }) => [...data.problems, ...data.layers.flatMap((l) => l.problems)].some((x) => x.severity === 'error'));
  return errors ? 1 : 0;
}

/** Runs the CLI with arguments (without `node` and the script), returning the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`onionlint: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`onionlint: internal error — please report it with the input that caused it.\n${(error as Error)?.stack ?? String(error)}\n`);
    return 2;
  }
}
