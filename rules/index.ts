import type { Rule } from '../src/rules/api.js';

/** Every rule, in catalogue order (RULES.md). */
export const allRules: Rule[] = [];
