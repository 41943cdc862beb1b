/** The names under which every front-end looks for stacks, whatever the language, and the list each evaluates. */
import type { Range, StackEntryFact } from '../model.js';

/** Settings read like MIDDLEWARE besides the configured stack names. */
export const OTHER_SETTINGS = ['MIDDLEWARE_CLASSES', 'INSTALLED_APPS'];
/** Lists that are not settings but are worth keeping for the lists and modules that use them. */
export const FRAGMENT_NAME = /middleware|_APPS$|^APPS$/i;

/** A settings list as a front-end evaluates it, statement by statement, before it becomes a StackFact. */
export interface ListState {
  name: string;
  entries: StackEntryFact[];
  nameRange: Range;
  range: Range;
}
