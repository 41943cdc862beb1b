import type { Contract, Fix, FunctionSummary, Range, Unit } from '../model.js';

/** A unit after linking: its own facts plus what its base classes contribute. */
export interface LinkedUnit {
  unit: Unit;
  filePath: string;
  /** Proven middleware: own evidence, a middleware base, or listed in a stack. */
  confirmed: boolean;
  /** Every base class up the chain was found and analysed (or is a known external base). */
  chainKnown: boolean;
  /** The base class is middleware (its constructor takes the next layer). */
  baseIsMiddleware: boolean;
  /** Python: Django's `MiddlewareMixin` is a base, directly or through project classes. */
  mixinChain: boolean;
  /** Fields holding the next layer, own and inherited. */
  nextFields: string[];
  /** Members declared or assigned, own and inherited (for an unknown chain: own only). */
  members: string[];
  /** The handler, own or inherited. */
  handler?: FunctionSummary;
  /**
   * Express units (and Nest's on `@nestjs/platform-express`): the Express major version the nearest
   * `package.json` declares (4 or 5), when its range allows only one (src/link/express-version.ts).
   */
  frameworkMajor?: number;
}

export interface SourceText {
  path: string;
  text: string;
}

export interface ReportDescriptor<M extends string> {
  messageId: M;
  data?: Record<string, string | number>;
  range: Range;
  fix?: Fix;
  suggest?: Array<{ messageId: M; data?: Record<string, string | number>; fix: Fix }>;
  /** Report in another file than the context's (stack rules pointing into a base settings file). */
  filePath?: string;
}

export interface RuleContextBase<M extends string> {
  /** The file the report goes to (by default). */
  file: SourceText;
  /** The rule's options from the config (validated against meta.schema). */
  options: Record<string, unknown>;
  /** The text of any file of the project (for stack rules that point into other files). */
  textOf(path: string): string | undefined;
  report(descriptor: ReportDescriptor<M>): void;
}

export interface UnitRuleContext<M extends string> extends RuleContextBase<M> {
  unit: LinkedUnit;
}

export interface RuleMeta<M extends string> {
  /** Rule id without the `onion/` prefix. */
  id: string;
  /** One line: what the rule reports. */
  description: string;
  /** `unit` rules judge one middleware; `stack` rules judge a declared stack. */
  scope: 'unit' | 'stack';
  /** Default severity in the recommended config. */
  severity: 'error' | 'warn';
  /** In the recommended preset (strict has every rule). */
  recommended: boolean;
  fixable?: boolean;
  hasSuggestions?: boolean;
  /** ESLint-style message templates with `{{placeholders}}`. */
  messages: Record<M, string>;
  /** JSON schema of the rule's options object, if it takes options. */
  schema?: Record<string, unknown>;
  /**
   * Unit rules: the contracts whose units the rule judges (`django` for units without a contract).
   * Absent: Django's only — a rule written for Django-style units never sees a Koa function.
   * Stack rules: informative only (the rule decides which stacks it judges); a stack rule for Node
   * apps alone declares the Node contracts, and has no Python fixture cases.
   */
  contracts?: ReadonlyArray<'django' | Contract>;
}

/** Whether a unit rule judges this unit: its contract is one the rule declares (see `RuleMeta.contracts`). */
export function judges(meta: Pick<RuleMeta<string>, 'contracts'>, unit: Unit): boolean {
  return (meta.contracts ?? ['django']).includes(unit.contract ?? 'django');
}

export interface UnitRule<M extends string = string> {
  meta: RuleMeta<M> & { scope: 'unit' };
  check(ctx: UnitRuleContext<M>): void;
}

/** Stack rules receive a context defined by the link layer (src/link); typed loosely here. */
export interface StackRule<M extends string = string, C = unknown> {
  meta: RuleMeta<M> & { scope: 'stack' };
  check(ctx: C & RuleContextBase<M>): void;
}

export type Rule = UnitRule<string> | StackRule<string, any>;

export function defineUnitRule<M extends string>(rule: UnitRule<M>): UnitRule<M> {
  return rule;
}

export function defineStackRule<M extends string, C = unknown>(rule: StackRule<M, C>): StackRule<M, C> {
  return rule;
}

/** Fills `{{name}}` placeholders, as ESLint does, so one template serves both fronts. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, key: string) =>
    key in data ? String(data[key]) : whole,
  );
}
