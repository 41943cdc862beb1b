import type { OnionConfig } from '../config.js';
import type { LinkedUnit } from '../rules/api.js';
import type { LintHost, SourceSet } from '../engine.js';
import { linkStacks, type StackContext } from './stacks.js';
import { linkUnits } from './units.js';

/** The cross-file view: every unit linked to its bases, every stack resolved. */
export interface ProjectModel {
  units: LinkedUnit[];
  stackContexts: StackContext[];
}

export function linkProject(sources: SourceSet, config: OnionConfig, host?: LintHost): ProjectModel {
  const lookup = (path: string) => sources.get(path);
  const { stacks, listed, knowledge } = linkStacks([...sources.inputFacts(), ...sources.contextFacts()], lookup, config, host);
  // Resolving the stacks may have completed dormant files that a stack lists: link them as they are now.
  const units = linkUnits(sources.inputFacts(), lookup, config, listed);
  const stackContexts = stacks.map((stack) => ({ filePath: stack.filePath, stack, knowledge, presets: config.presets }));
  return { units, stackContexts };
}
