import { dirname, join } from 'node:path';
import semver from 'semver';

/**
 * The Express major version a project declares, from the nearest `package.json` above a file
 * (NODE.md §2 "Express 4 / 5": async rejections, path syntax and the router's source differ).
 * Only the manifest is read, never node_modules code: `express` in `dependencies`,
 * `devDependencies` or `peerDependencies`, else `@nestjs/platform-express` (≤10 ships Express 4,
 * ≥11 Express 5). A range that allows more than one major (`*`, `>=4`), a tag, a workspace or git
 * specifier, a manifest that is not JSON, or none at all: unknown.
 */
export type ReadFile = (path: string) => string | undefined;

/** The one major version a range allows, or undefined when it allows several or is no semver range. */
function singleMajor(range: string): number | undefined {
  if (semver.validRange(range) === null) return undefined;
  const min = semver.minVersion(range);
  if (!min) return undefined;
  return semver.intersects(range, `>=${min.major + 1}.0.0-0`, { includePrerelease: true }) ? undefined : min.major;
}

/** The Express major a `@nestjs/platform-express` range implies: 4 through 10.x, 5 from 11. */
function nestExpressMajor(range: string): number | undefined {
  if (semver.validRange(range) === null) return undefined;
  const min = semver.minVersion(range);
  if (!min) return undefined;
  if (min.major >= 11) return 5;
  return semver.intersects(range, '>=11.0.0-0', { includePrerelease: true }) ? undefined : 4;
}

/** The range a manifest's text declares for a package (dependencies, devDependencies, peerDependencies), or undefined. */
export function declaredRange(text: string, name: string): string | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof manifest !== 'object' || manifest === null) return undefined;
  const m = manifest as Record<string, unknown>;
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    const deps = m[field];
    const range = typeof deps === 'object' && deps !== null ? (deps as Record<string, unknown>)[name] : undefined;
    if (typeof range === 'string') return range;
  }
  return undefined;
}

/** The major the manifest text declares, or undefined. */
export function expressMajorOfManifest(text: string): number | undefined {
  const rangeOf = (name: string) => declaredRange(text, name);
  const express = rangeOf('express');
  if (express !== undefined) return singleMajor(express);
  const nest = rangeOf('@nestjs/platform-express');
  return nest !== undefined ? nestExpressMajor(nest) : undefined;
}

/** Finds the nearest `package.json` above each file (once per folder): its text. */
function createManifestReader(readFile: ReadFile | undefined): (filePath: string) => string | undefined {
  const byDir = new Map<string, string | undefined>();
  const lookup = (dir: string): string | undefined => {
    if (byDir.has(dir)) return byDir.get(dir);
    const text = readFile?.(join(dir, 'package.json'));
    const parent = dirname(dir);
    const found = text !== undefined ? text : parent === dir ? undefined : lookup(parent);
    byDir.set(dir, found);
    return found;
  };
  return (filePath) => lookup(dirname(filePath));
}

/** The Express major the nearest `package.json` above a file declares. */
export function createExpressVersionReader(readFile: ReadFile | undefined): (filePath: string) => number | undefined {
  const manifest = createManifestReader(readFile);
  return (filePath) => {
    const text = manifest(filePath);
    return text === undefined ? undefined : expressMajorOfManifest(text);
  };
}

/**
 * Whether the nearest `package.json` above a file declares `name` with a range every version of
 * which lies in `range` (passport `^0.5.3` is in `<0.6.0`; `*` or no declaration is not).
 */
export function createPackageRangeReader(readFile: ReadFile | undefined): (filePath: string, name: string, range: string) => boolean {
  const manifest = createManifestReader(readFile);
  return (filePath, name, range) => {
    const text = manifest(filePath);
    const declared = text === undefined ? undefined : declaredRange(text, name);
    if (declared === undefined || semver.validRange(declared) === null) return false;
    return semver.subset(declared, range);
  };
}
