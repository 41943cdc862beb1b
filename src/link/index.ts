import type { OnionConfig } from '../config.js';
import type { LinkedUnit } from '../rules/api.js';
import type { LintHost, SourceSet } from '../engine.js';
import { createAliasResolver } from './aliases.js';
import { createExpressVersionReader, createPackageRangeReader } from './express-version.js';
import { PythonModules } from './python.js';
import type { FactsLookup } from './resolve.js';
import { linkStacks, type StackContext } from './stacks.js';
import { appStacksAround, linkAppStacks } from './app-stacks.js';
import { linkUnits } from './units.js';
import { linkFrameworkCandidates, registrationsAround } from './frameworks.js';

/** The cross-file view: every unit linked to its bases, every stack resolved. */
export interface ProjectModel {
  units: LinkedUnit[];
  stackContexts: StackContext[];
}

export function linkProject(sources: SourceSet, config: OnionConfig, host?: LintHost): ProjectModel {
  // Module aliases: config files are read through the host (a run reads each one once).
  const lookup: FactsLookup = Object.assign((path: string) => sources.get(path), {
    aliases: createAliasResolver(host ? (path: string) => host.readFile(path) : undefined),
    python: new PythonModules(config.roots),
  });
  const { stacks, listed, knowledge } = linkStacks([...sources.inputFacts(), ...sources.contextFacts()], lookup, config, host);
  // Function units defined in one module and registered in another (issue 11): follow the given files'
  // registrations, and in a run given few files those of the project around them (ESLint lints one module).
  const given = [...sources.inputFacts(), ...sources.contextFacts()];
  const around = registrationsAround({ inputs: sources.inputFacts(), given: new Set([...sources.inputs, ...sources.context]), textOf: (p) => sources.textOf(p) }, lookup, config, host);
  const registered = linkFrameworkCandidates([...given, ...around], new Set(sources.inputs), lookup, config);
  // Resolving the stacks and registrations may have completed dormant files: link them as they are now.
  const units = [...linkUnits(sources.inputFacts(), lookup, config, listed), ...registered];
  // Express 4 or 5, where the project's manifest says (messages differ; see NODE.md §2).
  const expressMajor = createExpressVersionReader(host ? (path: string) => host.readFile(path) : undefined);
  for (const linked of units) {
    const framework = linked.unit.framework;
    if (framework !== 'express' && framework !== 'nest') continue;
    const major = expressMajor(linked.filePath);
    if (major !== undefined) linked.frameworkMajor = major;
  }
  // Node apps' registrations (issue 12): the same stacks, judged by the same stack rules.
  // In a run given few files, the apps around them that mount their routers or include their configure functions.
  const apps = appStacksAround({ inputs: sources.inputFacts(), given: new Set([...sources.inputs, ...sources.context]), textOf: (p) => sources.textOf(p) }, lookup, host);
  stacks.push(...linkAppStacks([...sources.inputFacts(), ...sources.contextFacts()], lookup, apps));
  const packageMatches = createPackageRangeReader(host ? (path: string) => host.readFile(path) : undefined);
  const stackContexts = stacks.map((stack) => ({ filePath: stack.filePath, stack, knowledge, presets: config.presets, packageMatches }));
  return { units, stackContexts };
}
