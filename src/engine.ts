import { extname } from 'node:path';
import type { FrontendOptions, OnionConfig, RuleSetting } from './config.js';
import type { Diagnostic, FileFacts, Severity } from './model.js';
import { extractTypeScriptFacts, TS_EXTENSIONS, type ExtractMode } from './frontends/ts/index.js';
import { extractPythonFacts, isPythonPath } from './frontends/python/index.js';
import { linkProject, type ProjectModel } from './link/index.js';
import { applySuppressions } from './suppress.js';
import { formatMessage, type ReportDescriptor, type Rule, type SourceText } from './rules/api.js';
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
}

export interface FileResult {
  filePath: string;
  text: string;
  diagnostics: Diagnostic[];
}

export const SOURCE_EXTENSIONS = new Set(TS_EXTENSIONS);

export function isSourceFile(path: string): boolean {
  return SOURCE_EXTENSIONS.has(extname(path).toLowerCase());
}

export function frontendOptions(config: OnionConfig): FrontendOptions {
  return { names: config.names };
}

/** Runs the front-end that fits the file's language. Facts depend on this file's text only. */
export function extractFacts(path: string, text: string, options: FrontendOptions, mode: ExtractMode = 'full'): FileFacts {
  // Python needs `await ensurePythonParser()` first (collectFacts and the workers do it).
  if (isPythonPath(path)) return extractPythonFacts(path, text, options);
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
  readonly texts = new Map<string, string>();
  /** The files given to lint, in order (others are context read through the host). */
  readonly inputs: string[] = [];
  /** Context files given up front (their stacks are linked; nothing is reported in them). */
  readonly context: string[] = [];
  constructor(
    private readonly options: FrontendOptions,
    private readonly host: LintHost | undefined,
    private readonly precomputed?: Map<string, FileFacts>,
    private readonly mode: ExtractMode = 'auto',
  ) {}
  add(path: string, text: string, role: 'input' | 'context' = 'input'): FileFacts {
    this.texts.set(path, text);
    (role === 'input' ? this.inputs : this.context).push(path);
    const facts = this.precomputed?.get(path) ?? extractFacts(path, text, this.options, this.mode);
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
      const full = extractFacts(path, this.texts.get(path)!, this.options, 'full');
      this.facts.set(path, full);
      return full;
    }
    if (!this.host || this.texts.has(path)) return undefined;
    const text = this.host.readFile(path);
    if (text === undefined) return undefined;
    this.texts.set(path, text);
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
  textOf(path: string): string | undefined {
    if (!this.texts.has(path)) this.get(path);
    return this.texts.get(path);
  }
}

/** Lints the given files; reports go only to those files, other files serve as context. */
export function lint(inputs: SourceText[], options: LintOptions): FileResult[] {
  return lintProject(inputs, options).results;
}

/** Like `lint`, and also returns the linked model (for the onion picture of `onionlint stack`). */
export function lintProject(inputs: SourceText[], options: LintOptions): { results: FileResult[]; model: ProjectModel } {
  const { config } = options;
  const sources = new SourceSet(frontendOptions(config), options.host, options.facts, options.eslintParsed ? 'lazy' : 'auto');
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
    const diagnostics = applySuppressions(byFile.get(input.path)!, directives, input.text).sort(
      (a, b) => a.range.start - b.range.start || a.range.end - b.range.end || String(a.ruleId).localeCompare(String(b.ruleId)),
    );
    return { filePath: input.path, text: input.text, diagnostics };
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
                fix: s.fix,
              })),
            }
          : {}),
      });
    };
    const textOf = (path: string) => sources.textOf(path);
    if (rule.meta.scope === 'unit') {
      for (const unit of model.units) {
        if (!unit.confirmed) continue;
        const file = { path: unit.filePath, text: sources.textOf(unit.filePath) ?? '' };
        rule.check({ unit, file, options, textOf, report: makeReporter(unit.filePath) } as never);
      }
    } else {
      for (const stackContext of model.stackContexts) {
        const file = { path: stackContext.filePath, text: sources.textOf(stackContext.filePath) ?? '' };
        rule.check({ ...stackContext, file, options, textOf, report: makeReporter(stackContext.filePath) } as never);
      }
    }
  }
}
