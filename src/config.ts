import type { Severity } from './model.js';

/** The names that mark middleware in source code; configurable because teams rename things. */
export interface NameSettings {
  /** Handler method names of a class-form middleware. */
  handler: string[];
  /** Parameter names that mark the next layer. */
  next: string[];
  /** Type names that mark the next layer (e.g. `GetResponse`). */
  nextTypes: string[];
  /** Setting names that declare a stack. */
  stack: string[];
  /** Known external base classes whose constructor takes the next layer. */
  bases: string[];
}

export type RuleSetting = Severity | [Severity, Record<string, unknown>?];

/** The one resolved config object every rule sees, from the CLI and from ESLint alike. */
export interface OnionConfig {
  rules: Record<string, RuleSetting>;
  names: NameSettings;
  /** Roots for dotted-path resolution; empty means the nearest package.json/tsconfig.json folder. */
  roots: string[];
  presets: string[];
  /** Extra knowledge entries (see src/knowledge); typed there. */
  knowledge: unknown[];
}

export const DEFAULT_NAMES: NameSettings = {
  handler: ['call', '__call__', 'handle'],
  next: ['getResponse', 'get_response', 'next'],
  nextTypes: ['GetResponse', 'NextLayer', 'Next', 'NextFunction'],
  stack: ['MIDDLEWARE'],
  bases: ['BaseMiddleware', 'MiddlewareMixin'],
};

export function defaultConfig(): OnionConfig {
  return { rules: {}, names: structuredClone(DEFAULT_NAMES), roots: [], presets: ['recommended'], knowledge: [] };
}

/** The front-end options that change what facts a file yields (part of any facts cache key). */
export interface FrontendOptions {
  names: NameSettings;
}
