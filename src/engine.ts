import { extname } from 'node:path';
import type { FrontendOptions, OnionConfig, RuleSetting } from './config.js';
import type { Diagnostic, FileFacts, Severity } from './model.js';
import { extractTypeScriptFacts, TS_EXTENSIONS, type ExtractMode } from './frontends/ts/index.js';
import { extractPythonFacts, isPythonPath, PYTHON_EXTENSIONS } from './frontends/python/index.js';
import { linkProject, type ProjectModel } from './link/index.js';
import { applySuppressions } from './suppress.js';
import { formatMessage, judges, type ReportDescriptor, type Rule, type SourceText } from './rules/api.js';
import { allRules } from '../rules/index.js';

/** Where the link step reads files that were not given (base classes, settings modules). */
export interface LintHost {
  readFile(path: string): string | undefined;
  /** The names in a folder (to find the settings modules that spread a given one); optional. */
  listDirectory?(dir: string): string[];
}

export interface LintOptions {
  config: OnionConfig;
  host?: LintHost;
  /** Facts already computed for some files (a cache or worker threads), by path. */
  facts?: Map<string, FileFacts>;
  /** Leave `eslint-disable` comments to ESLint (the plugin), so ESLint can tell which ones are used. */
  eslintHandlesDirectives?: boolean;
  /** ESLint has parsed the file already: skip even the syntax check of files that hold no middleware. */
  eslintParsed?: boolean;
  /**
   * Files around the ones given (the settings modules of the project) whose stacks take part in
   * linking, so that the middleware they list are judged; nothing is reported in them.
   */
  context?: SourceText[];
  /**
   * The complete facts of given files whose precomputed facts are dormant, by path (a cache); the
   * engine uses them instead of analysing such a file again, and adds the ones it computes.
   */
  completions?: Map<string, FileFacts>;
}

/**
 * A file to lint: its path and text, or its path alone when its facts are given (`facts`); then
 * the text is read through the host only if something needs it (a report, a rule, the link step).
 */
export interface LintInput {
  path: string;
  text?: string;
}

export interface FileResult {
  filePath: string;
  /** The text linted; empty for a file given without its text that has nothing to report. */
  text: string;
  diagnostics: Diagnostic[];
}

/** What the CLI lints by default: JavaScript and TypeScript, and Python (Django projects). */
export const SOURCE_EXTENSIONS = new Set([...TS_EXTENSIONS, ...PYTHON_EXTENSIONS]);

export function isSourceFile(path: string): boolean {
  return SOURCE_EXTENSIONS.has(extname(path).toLowerCase());
}

export function frontendOptions(config: OnionConfig): FrontendOptions {
  return { names: config.names };
}

/** Runs the front-end that fits the file's language. Facts depend on this file's text only. */
export function extractFacts(path: string, text: string, options: FrontendOptions, mode: ExtractMode = 'full'): FileFacts {
  // Python needs `await ensurePythonParser()` first (collectFacts and the workers do it).
  if (isPythonPath(path)) return extractPythonFacts(path, text, options, mode);
  return extractTypeScriptFacts(path, text, options, mode);
}

/** The effective severity of a rule under the config's presets and rule settings. */
export function ruleSeverity(rule: Rule, config: OnionConfig): Severity {
  const id = rule.meta.id;
  const setting: RuleSetting | undefined = config.rules[id] ?? config.rules[`onion/${id}`];
  if (setting !== undefined) return Array.isArray(setting) ? setting[0] : setting;
  if (config.presets.includes('strict')) return rule.meta.severity;
  if (config.presets.includes('recommended') && rule.meta.recommended) return rule.meta.severity;
  return 'off';
}

export function ruleOptions(rule: Rule, config: OnionConfig): Record<string, unknown> {
  const setting = config.rules[rule.meta.id] ?? config.rules[`onion/${rule.meta.id}`];
  return (Array.isArray(setting) && setting[1]) || {};
}

/** Files known to the engine: the ones given, plus any the link step reads through the host. */
export class SourceSet {
  readonly facts = new Map<string, FileFacts>();
  /** Texts known so far: given ones, and those read through the host when something needed them. */
  private readonly texts = new Map<string, string>();
  /** The files given to lint, in order (others are context read through the host). */
  readonly inputs: string[] = [];
  /** Context files given up front (their stacks are linked; nothing is reported in them). */
  readonly context: string[] = [];
  constructor(
    private readonly options: FrontendOptions,
    private readonly host: LintHost | undefined,
    private readonly precomputed?: Map<string, FileFacts>,
    private readonly mode: ExtractMode = 'auto',
    private readonly completions?: Map<string, FileFacts>,
  ) {}
  add(path: string, text: string | undefined, role: 'input' | 'context' = 'input'): FileFacts {
    if (text !== undefined) this.texts.set(path, text);
    (role === 'input' ? this.inputs : this.context).push(path);
    const facts = this.precomputed?.get(path) ?? extractFacts(path, this.textOf(path) ?? '', this.options, this.mode);
    this.facts.set(path, facts);
    return facts;
  }
  /**
   * Facts of any file, complete: read through the host on first use, and a dormant file's
   * imports and exports extracted when something refers to it. Undefined when it cannot be read.
   */
  get(path: string): FileFacts | undefined {
    const known = this.facts.get(path);
    if (known && !known.dormant) return known;
    if (known) {
      let full = this.completions?.get(path);
      if (!full) {
        const text = this.textOf(path);
        if (text === undefined) return known;
        full = extractFacts(path, text, this.options, 'full');
        this.completions?.set(path, full);
      }
      this.facts.set(path, full);
      return full;
    }
    const text = this.textOf(path);
    if (text === undefined) return undefined;
    const facts = extractFacts(path, text, this.options, 'full');
    this.facts.set(path, facts);
    return facts;
  }
  /** The facts of the given files as they stand now (dormant ones included). */
  inputFacts(): FileFacts[] {
    return this.inputs.map((p) => this.facts.get(p)!);
  }
  /** The facts of the context files. */
  contextFacts(): FileFacts[] {
    return this.context.map((p) => this.facts.get(p)!);
  }
  /** A file's text: given, or read through the host (once). */
  textOf(path: string): string | undefined {
    let text = this.texts.get(path);
    if (text === undefined && this.host) {
      text = this.host.readFile(path);
      if (text !== undefined) this.texts.set(path, text);
    }
    return text;
  }
}

/** Lints the given files; reports go only to those files, other files serve as context. */
export function lint(inputs: LintInput[], options: LintOptions): FileResult[] {
  return lintProject(inputs, options).results;
}

/** Like `lint`, and also returns the linked model (for the onion picture of `onionlint stack`). */
export function lintProject(inputs: LintInput[], options: LintOptions): { results: FileResult[]; model: ProjectModel } {
  const { config } = options;
  const sources = new SourceSet(frontendOptions(config), options.host, options.facts, options.eslintParsed ? 'lazy' : 'auto', options.completions);
  for (const input of inputs) sources.add(input.path, input.text);
  const given = new Set(inputs.map((i) => i.path));
  for (const extra of options.context ?? []) if (!given.has(extra.path)) sources.add(extra.path, extra.text, 'context');
  const model = linkProject(sources, config, options.host);
  const byFile = new Map<string, Diagnostic[]>(inputs.map((i) => [i.path, []]));
  // One entry of a base settings file can be judged in several composed stacks: report it once.
  const seen = new Set<string>();
  const push = (d: Diagnostic) => {
    const key = `${d.filePath}\0${d.ruleId}\0${d.range.start}\0${d.range.end}\0${d.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    byFile.get(d.filePath)?.push(d);
  };

  for (const input of inputs) {
    const facts = sources.facts.get(input.path)!;
    if (facts.fatal) {
      push({ ruleId: null, fatal: true, severity: 2, message: facts.fatal.message, filePath: input.path, range: facts.fatal.range });
    }
  }
  runRules(model, sources, config, push);

  const results = inputs.map((input) => {
    const facts = sources.facts.get(input.path)!;
    const directives = options.eslintHandlesDirectives ? facts.directives.filter((d) => d.tool !== 'eslint') : facts.directives;
    const found = byFile.get(input.path)!;
    // A file with nothing to report needs no text (it is not read when it was given without one).
    const text = input.text ?? (found.length ? (sources.textOf(input.path) ?? '') : '');
    const diagnostics = (found.length ? applySuppressions(found, directives, text) : found).sort(
      (a, b) => a.range.start - b.range.start || a.range.end - b.range.end || String(a.ruleId).localeCompare(String(b.ruleId)),
    );
    return { filePath: input.path, text, diagnostics };
  });
  return { results, model };
}

function runRules(model: ProjectModel, sources: SourceSet, config: OnionConfig, push: (d: Diagnostic) => void): void {
  for (const rule of allRules) {
    const severity = ruleSeverity(rule, config);
    if (severity === 'off') continue;
    const options = ruleOptions(rule, config);
    const makeReporter = (defaultPath: string) => (descriptor: ReportDescriptor<string>) => {
      const template = rule.meta.messages[descriptor.messageId];
      if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown messageId ${descriptor.messageId}`);
      push({
        ruleId: `onion/${rule.meta.id}`,
        severity: severity === 'error' ? 2 : 1,
        message: formatMessage(template, descriptor.data),
        messageId: descriptor.messageId,
        ...(descriptor.data ? { data: descriptor.data } : {}),
        filePath: descriptor.filePath ?? defaultPath,
        range: descriptor.range,
        ...(descriptor.fix ? { fix: descriptor.fix } : {}),
        ...(descriptor.suggest
          ? {
              suggestions: descriptor.suggest.map((s) => ({
                messageId: s.messageId,
                message: formatMessage(rule.meta.messages[s.messageId], s.data),
                ...(s.data ? { data: s.data } : {}),
                fix: s.fix,
              })),
            }
          : {}),
      });
    };
    const textOf = (path: string) => sources.textOf(path);
    // A file's text is read (when it was given without one) only if the rule reports there.
    const fileOf = (path: string): SourceText => ({
      path,
      get text() {
        return sources.textOf(path) ?? '';
      },
    });
    if (rule.meta.scope === 'unit') {
      for (const unit of model.units) {
        if (!unit.confirmed || !judges(rule.meta, unit.unit)) continue;
        const file = fileOf(unit.filePath);
        rule.check({ unit, file, options, textOf, report: makeReporter(unit.filePath) } as never);
      }
    } else {
      for (const stackContext of model.stackContexts) {
        const file = fileOf(stackContext.filePath);
        rule.check({ ...stackContext, file, options, textOf, report: makeReporter(stackContext.filePath) } as never);
      }
    }
  }
}
