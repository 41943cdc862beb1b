import type { OnionConfig } from '../config.js';
import type { LinkedUnit } from '../rules/api.js';
import type { SourceSet } from '../engine.js';
import { linkUnits } from './units.js';

/** What a stack rule's context carries besides the common parts; filled by the stack link step. */
export interface StackContextData {
  filePath: string;
  [key: string]: unknown;
}

/** The cross-file view: every unit linked to its bases, every stack resolved. */
export interface ProjectModel {
  units: LinkedUnit[];
  stackContexts: StackContextData[];
}

export function linkProject(sources: SourceSet, config: OnionConfig): ProjectModel {
  const lookup = (path: string) => sources.get(path);
  const units = linkUnits([...sources.facts.values()], lookup, config);
  return { units, stackContexts: [] };
}
