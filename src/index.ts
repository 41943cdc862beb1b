export * from './model.js';
export * from './config.js';
export { lint, extractFacts, isSourceFile, type FileResult, type LintOptions, type LintHost } from './engine.js';
export { allRules } from '../rules/index.js';
