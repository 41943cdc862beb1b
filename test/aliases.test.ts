/**
 * Module aliases (issue 9, item 8): a stack entry imported through an alias — tsconfig/jsconfig
 * `paths` and `baseUrl`, package.json `imports`, Deno import maps, workspace packages — is
 * resolved to the project file it names and checked like one imported by a relative path. An alias
 * that leads nowhere, or into an installed package, stays silent like any external package.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lint, type LintHost } from '../src/engine.js';
import plugin from '../src/eslint/plugin.js';
import { createAliasResolver } from '../src/link/aliases.js';
import { project, run } from './cli/run.js';
import { diskHost as readOnlyDiskHost } from './helpers.js';

/** Reads `request.user` before calling the next layer: it belongs below AuthenticationMiddleware. */
const STAFF_GATE = `export class StaffGate {
  constructor(getResponse) {
    this.getResponse = getResponse;
  }
  async call(request) {
    if (!request.user.isStaff) return new Response('staff only', { status: 403 });
    return await this.getResponse(request);
  }
}
`;

/** The settings module: StaffGate listed above AuthenticationMiddleware (line 6). */
const settings = (specifier: string, name = 'StaffGate') => `import { ${name} } from '${specifier}';

export const MIDDLEWARE = [
  'django.middleware.security.SecurityMiddleware',
  'django.contrib.sessions.middleware.SessionMiddleware',
  ${name},
  'django.contrib.auth.middleware.AuthenticationMiddleware',
];
`;

const MISORDERED = ['middleware-order@6'];
const json = (value: unknown) => JSON.stringify(value, null, 2);

const diskHost: LintHost = { ...readOnlyDiskHost, listDirectory: (dir) => readdirSync(dir) };

/** Lints only the settings module (as a staged-files run would): the aliased module is read as context. */
function reportsOf(root: string, file = 'src/settings.ts'): string[] {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  const [result] = lint([{ path, text }], { config: defaultConfig(), host: diskHost });
  return result!.diagnostics.map((d) => `${d.ruleId?.replace('onion/', '') ?? 'fatal'}@${text.slice(0, d.range.start).split('\n').length}`);
}

describe('tsconfig.json / jsconfig.json paths and baseUrl', () => {
  it("the issue's example: `@app/*` -> `src/*` is checked like `./middleware/user`", () => {
    const files = { 'tsconfig.json': json({ compilerOptions: { paths: { '@app/*': ['src/*'] } } }), 'src/middleware/user.ts': STAFF_GATE };
    expect(reportsOf(project({ ...files, 'src/settings.ts': settings('./middleware/user') }))).toEqual(MISORDERED);
    expect(reportsOf(project({ ...files, 'src/settings.ts': settings('@app/middleware/user') }))).toEqual(MISORDERED);
    // The same import without the config is an external package: silent, as before.
    expect(reportsOf(project({ 'src/middleware/user.ts': STAFF_GATE, 'src/settings.ts': settings('@app/middleware/user') }))).toEqual([]);
  });

  it('follows `extends` (a relative file, a package in node_modules, a list of both); paths resolve against the config declaring them', () => {
    const chained = project({
      'tsconfig.json': `{
        // comments and trailing commas, as tsc allows
        "extends": "./config/tsconfig.base.json",
        "compilerOptions": { "strict": true, },
      }`,
      'config/tsconfig.base.json': json({ compilerOptions: { paths: { '@app/*': ['../src/*'] } } }),
      'src/middleware/user.ts': STAFF_GATE,
      'src/settings.ts': settings('@app/middleware/user'),
    });
    expect(reportsOf(chained)).toEqual(MISORDERED);

    const fromPackage = project({
      'tsconfig.json': json({ extends: ['./tsconfig.strict.json', '@acme/tsconfig/paths.json'] }),
      'tsconfig.strict.json': json({ compilerOptions: { strict: true } }),
      'node_modules/@acme/tsconfig/package.json': json({ name: '@acme/tsconfig', version: '1.0.0' }),
      // A shared config names the extending project's folder with ${configDir}.
      'node_modules/@acme/tsconfig/paths.json': json({ compilerOptions: { paths: { '~/*': ['${configDir}/src/*'] } } }),
      'src/middleware/user.ts': STAFF_GATE,
      'src/settings.ts': settings('~/middleware/user'),
    });
    expect(reportsOf(fromPackage)).toEqual(MISORDERED);
  });

  it('takes the nearest config above the importing file, tsconfig.json or jsconfig.json', () => {
    const js = project({
      'jsconfig.json': json({ compilerOptions: { paths: { '@mw/*': ['src/middleware/*'] } } }),
      'src/middleware/user.js': STAFF_GATE,
      'src/settings.js': settings('@mw/user'),
    });
    expect(reportsOf(js, 'src/settings.js')).toEqual(MISORDERED);

    // The nearer config has no such alias: it governs, and the outer one's alias does not apply.
    const nested = project({
      'tsconfig.json': json({ compilerOptions: { paths: { '@app/*': ['site/src/*'] } } }),
      'site/tsconfig.json': json({ compilerOptions: { paths: { '@site/*': ['src/*'] } } }),
      'site/src/middleware/user.ts': STAFF_GATE,
      'site/src/settings.ts': settings('@site/middleware/user'),
      'site/src/other.ts': settings('@app/middleware/user'),
    });
    expect(reportsOf(nested, 'site/src/settings.ts')).toEqual(MISORDERED);
    expect(reportsOf(nested, 'site/src/other.ts')).toEqual([]);
  });

  it('baseUrl alone maps bare specifiers under it', () => {
    const root = project({
      'tsconfig.json': json({ compilerOptions: { baseUrl: 'src' } }),
      'src/middleware/user.ts': STAFF_GATE,
      'src/settings.ts': settings('middleware/user'),
    });
    expect(reportsOf(root)).toEqual(MISORDERED);
  });

  it('tries fallbacks in order and prefers the longest matching pattern', () => {
    const root = project({
      'tsconfig.json': json({
        compilerOptions: {
          paths: {
            '@app/*': ['elsewhere/*'],
            '@app/middleware/*': ['generated/middleware/*', 'src/middleware/*'],
          },
        },
      }),
      'elsewhere/middleware/user.ts': 'export class StaffGate {}\n',
      'src/middleware/user.ts': STAFF_GATE,
      'src/settings.ts': settings('@app/middleware/user'),
    });
    expect(reportsOf(root)).toEqual(MISORDERED);
  });

  it('an alias that leads to no file, or into an installed package, stays silent', () => {
    const root = project({
      'tsconfig.json': json({ compilerOptions: { paths: { '@app/*': ['src/*'], '@vendor/*': ['node_modules/@vendor/*'] } } }),
      'src/middleware/user.ts': STAFF_GATE,
      'src/settings.ts': settings('@app/middleware/user'),
      'src/missing.ts': settings('@app/middleware/nowhere'),
      // Installed code is external, whatever its shape.
      'node_modules/staff-gate/package.json': json({ name: 'staff-gate', version: '1.0.0', main: 'index.js' }),
      'node_modules/staff-gate/index.js': STAFF_GATE,
      'src/installed.ts': settings('staff-gate'),
    });
    expect(reportsOf(root)).toEqual(MISORDERED);
    expect(reportsOf(root, 'src/missing.ts')).toEqual([]);
    expect(reportsOf(root, 'src/installed.ts')).toEqual([]);
  });

  it('an alias to a module that lacks the name is reported like a relative import', () => {
    const root = project({
      'tsconfig.json': json({ compilerOptions: { paths: { '@app/*': ['src/*'] } } }),
      'src/middleware/user.ts': STAFF_GATE,
      'src/settings.ts': settings('@app/middleware/user', 'StaffGuard'),
      'src/relative.ts': settings('./middleware/user', 'StaffGuard'),
    });
    expect(reportsOf(root, 'src/relative.ts')).toEqual(['resolvable-middleware@6']);
    expect(reportsOf(root)).toEqual(['resolvable-middleware@6']);
    const [result] = lint([{ path: join(root, 'src/settings.ts'), text: readFileSync(join(root, 'src/settings.ts'), 'utf8') }], { config: defaultConfig(), host: diskHost });
    expect(result!.diagnostics[0]!.message).toContain('which `user.ts` does not export');
    expect(result!.diagnostics[0]!.message).toContain('Module "@app/middleware/user"');
  });
});

describe('base classes', () => {
  it('a class whose base is imported through an alias is middleware when that base takes the next layer', () => {
    const files = {
      'tsconfig.json': json({ compilerOptions: { paths: { '@lib/*': ['lib/*'] } } }),
      'lib/base.ts': `export class LayerBase {
  constructor(getResponse) {
    this.downstream = getResponse;
  }
}
`,
      'src/powered-by.ts': `import { LayerBase } from '@lib/base';

export class PoweredBy extends LayerBase {
  call(request) {
    const response = this.downstream(request);
    response.headers.set('X-Powered-By', 'onion');
  }
}
`,
    };
    expect(reportsOf(project(files), 'src/powered-by.ts')).toEqual(['return-response@7']);
    // Without the alias the base is an unknown package's class: nothing proves it is middleware.
    expect(reportsOf(project({ ...files, 'tsconfig.json': '{}' }), 'src/powered-by.ts')).toEqual([]);
  });
});

describe('package.json imports', () => {
  it('`#app/*` subpath imports, with a conditions object whose first existing target wins', () => {
    const root = project({
      'package.json': json({
        name: 'site',
        private: true,
        imports: {
          '#app/*': './src/*',
          '#mw/*': { types: './types/*.d.ts', node: './src/middleware/*.ts', default: './dist/middleware/*.js' },
        },
      }),
      'src/middleware/user.ts': STAFF_GATE,
      'src/settings.ts': settings('#app/middleware/user.js'),
      'src/conditional.ts': settings('#mw/user'),
      'src/unmapped.ts': settings('#nothing/user'),
    });
    expect(reportsOf(root)).toEqual(MISORDERED);
    expect(reportsOf(root, 'src/conditional.ts')).toEqual(MISORDERED);
    expect(reportsOf(root, 'src/unmapped.ts')).toEqual([]);
  });
});

describe('Deno import maps', () => {
  it('deno.json `imports`: exact keys and trailing-slash prefix keys; jsr:/npm: targets stay external', () => {
    const root = project({
      'deno.json': json({ imports: { '@app/': './src/', 'staff-gate': './src/middleware/user.ts', '@std/staff': 'jsr:@std/staff@^1' } }),
      'src/middleware/user.ts': STAFF_GATE,
      'src/settings.ts': settings('@app/middleware/user.ts'),
      'src/exact.ts': settings('staff-gate'),
      'src/jsr.ts': settings('@std/staff'),
    });
    expect(reportsOf(root)).toEqual(MISORDERED);
    expect(reportsOf(root, 'src/exact.ts')).toEqual(MISORDERED);
    expect(reportsOf(root, 'src/jsr.ts')).toEqual([]);
  });

  it('deno.jsonc naming an import map file', () => {
    const root = project({
      'deno.jsonc': `{
        // the map lives beside the code
        "importMap": "./config/import_map.json",
      }`,
      'config/import_map.json': json({ imports: { '@/': '../src/' } }),
      'src/middleware/user.ts': STAFF_GATE,
      'src/settings.ts': settings('@/middleware/user.ts'),
    });
    expect(reportsOf(root)).toEqual(MISORDERED);
  });
});

describe('workspace packages', () => {
  const gate = {
    'packages/mw/src/user.ts': STAFF_GATE,
    'packages/mw/src/index.ts': "export { StaffGate } from './user.ts';\n",
  };

  it('npm/yarn `workspaces`: the package folder named like the import, through its `exports` (subpaths, conditions)', () => {
    const root = project({
      'package.json': json({ name: 'monorepo', private: true, workspaces: ['packages/*', 'apps/*'] }),
      'packages/mw/package.json': json({
        name: '@acme/mw',
        exports: { '.': './src/index.ts', './user': { types: './dist/user.d.ts', import: './src/user.ts' } },
      }),
      ...gate,
      'apps/site/package.json': json({ name: '@acme/site', private: true }),
      'apps/site/src/settings.ts': settings('@acme/mw'),
      'apps/site/src/subpath.ts': settings('@acme/mw/user'),
      'apps/site/src/unexported.ts': settings('@acme/mw/src/user.ts'),
    });
    expect(reportsOf(root, 'apps/site/src/settings.ts')).toEqual(MISORDERED);
    expect(reportsOf(root, 'apps/site/src/subpath.ts')).toEqual(MISORDERED);
    // `exports` closes the package: a path it does not export resolves to nothing.
    expect(reportsOf(root, 'apps/site/src/unexported.ts')).toEqual([]);
  });

  it('yarn `workspaces: { packages }`, and an installed workspace symlink leads to the same folder', () => {
    const root = project({
      'package.json': json({ private: true, workspaces: { packages: ['packages/*'] } }),
      'packages/mw/package.json': json({ name: '@acme/mw', main: './src/index.ts' }),
      ...gate,
      'packages/site/src/settings.ts': settings('@acme/mw'),
      'packages/other/src/settings.ts': settings('@acme/mw'),
    });
    expect(reportsOf(root, 'packages/site/src/settings.ts')).toEqual(MISORDERED);
    // Installed as the package managers do (a symlink at the root, or in the package's own
    // node_modules as pnpm does): the package's folder, not a path into node_modules.
    mkdirSync(join(root, 'node_modules/@acme'), { recursive: true });
    symlinkSync(join(root, 'packages/mw'), join(root, 'node_modules/@acme/mw'));
    mkdirSync(join(root, 'packages/other/node_modules/@acme'), { recursive: true });
    symlinkSync(join(root, 'packages/mw'), join(root, 'packages/other/node_modules/@acme/mw'));
    const resolveAlias = createAliasResolver();
    for (const from of ['packages/site/src/settings.ts', 'packages/other/src/settings.ts']) {
      expect(resolveAlias(join(root, from), '@acme/mw')).toBe(join(root, 'packages/mw/src/index.ts'));
      expect(reportsOf(root, from)).toEqual(MISORDERED);
    }
  });

  it('pnpm-workspace.yaml `packages:` globs (with a negation); a package without `exports` through `module`', () => {
    const root = project({
      'package.json': json({ name: 'monorepo', private: true }),
      'pnpm-workspace.yaml': "packages:\n  - 'libs/**'\n  - apps/*\n  - '!libs/legacy'\n",
      'libs/web/mw/package.json': json({ name: 'mw-kit', module: 'src/index.ts' }),
      'libs/web/mw/src/index.ts': "export { StaffGate } from './user';\n",
      'libs/web/mw/src/user.ts': STAFF_GATE,
      'libs/legacy/package.json': json({ name: 'legacy-kit', main: 'index.ts' }),
      'libs/legacy/index.ts': STAFF_GATE,
      'apps/site/src/settings.ts': settings('mw-kit'),
      'apps/site/src/excluded.ts': settings('legacy-kit'),
    });
    expect(reportsOf(root, 'apps/site/src/settings.ts')).toEqual(MISORDERED);
    expect(reportsOf(root, 'apps/site/src/excluded.ts')).toEqual([]);
  });

  it('a package whose entry points into an unbuilt dist/ stays silent (no guessing at sources)', () => {
    const root = project({
      'package.json': json({ private: true, workspaces: ['packages/*'] }),
      'packages/mw/package.json': json({ name: '@acme/mw', main: './dist/index.js', types: './dist/index.d.ts' }),
      ...gate,
      'packages/built/package.json': json({ name: '@acme/built', main: './dist/index.js', types: './dist/index.d.ts' }),
      'packages/built/dist/index.js': STAFF_GATE,
      'packages/built/dist/index.d.ts': 'export declare class StaffGate {\n  constructor(getResponse: unknown);\n}\n',
      'packages/site/src/settings.ts': settings('@acme/mw'),
      'packages/site/src/built.ts': settings('@acme/built'),
    });
    expect(reportsOf(root, 'packages/site/src/settings.ts')).toEqual([]);
    // Built: the declaration file only types it; the code is the JavaScript beside it.
    expect(reportsOf(root, 'packages/site/src/built.ts')).toEqual(MISORDERED);
  });
});

describe('through the CLI and the ESLint plugin', () => {
  /** The middleware's own mistake (no return on one path) is found only once the stack lists it. */
  const INNER_GATE = `export class StaffGate {
  constructor(inner) {
    this.inner = inner;
  }
  call(request) {
    if (!request.user.isStaff) return;
    return this.inner(request);
  }
}
`;
  /** `file:line rule` of every report of `onionlint -f json <path>`, which must exit 1 (errors found). */
  async function cliReports(root: string, path: string): Promise<string[]> {
    const r = await run(['-f', 'json', path], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const files = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number }> }>;
    return files.flatMap((f) => f.messages.map((m) => `${f.filePath.slice(root.length + 1)}:${m.line} ${m.ruleId}`)).sort();
  }

  const files = {
    'package.json': json({ name: 'site', private: true }),
    'tsconfig.json': json({ compilerOptions: { paths: { '@app/*': ['./src/*'] } } }),
    'src/middleware/user.ts': INNER_GATE,
    'src/settings.ts': settings('@app/middleware/user'),
  };

  it('the CLI on the project folder: the aliased class is listed, so it is middleware, and misordered', async () => {
    const root = project(files);
    expect(await cliReports(root, '.')).toEqual(['src/middleware/user.ts:6 onion/return-response', 'src/settings.ts:6 onion/middleware-order']);
  });

  it('the CLI on the middleware file alone (a staged-files run) finds the settings that list it through an alias', async () => {
    const root = project(files);
    expect(await cliReports(root, 'src/middleware/user.ts')).toEqual(['src/middleware/user.ts:6 onion/return-response']);
  });

  it('the CLI on a workspace package alone finds the settings of another package of the monorepo', async () => {
    const root = project({
      'package.json': json({ name: 'monorepo', private: true, workspaces: ['packages/*', 'apps/*'] }),
      'packages/mw/package.json': json({ name: '@acme/mw', exports: { '.': './src/index.ts' } }),
      'packages/mw/src/index.ts': INNER_GATE,
      'apps/site/package.json': json({ name: '@acme/site', private: true }),
      'apps/site/src/settings.ts': settings('@acme/mw'),
    });
    expect(await cliReports(root, 'packages/mw/src/index.ts')).toEqual(['packages/mw/src/index.ts:6 onion/return-response']);
  });

  it('ESLint with the plugin, on the settings module and on a workspace package import', async () => {
    const root = project({
      ...files,
      'packages/mw/package.json': json({ name: '@acme/mw', exports: './src/index.ts' }),
      'packages/mw/src/index.ts': STAFF_GATE,
      'package.json': json({ name: 'site', private: true, workspaces: ['packages/*'] }),
      'src/workspace.ts': settings('@acme/mw'),
    });
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, plugin.configs.strict as never],
    });
    const results = await eslint.lintFiles(['src/settings.ts', 'src/workspace.ts']);
    expect(results.map((x) => x.messages.map((m) => `${m.line} ${m.ruleId}`))).toEqual([['6 onion/middleware-order'], ['6 onion/middleware-order']]);
  });
});

describe('the resolver itself', () => {
  it('configs it cannot read as intended change nothing: relative imports are still checked, aliases stay silent', () => {
    const root = project({
      'tsconfig.json': '{ "extends": "./missing.json", "compilerOptions": { "paths": { "@app/*": ["src/*"] } ',
      'deno.json': json({ imports: { '@x/': 42, '@y/': './src' } }),
      'pnpm-workspace.yaml': 'packages: [apps/*\n  - : :',
      'package.json': json({ name: 'site', imports: { '#app/*': 7 }, workspaces: 'packages/*' }),
      'src/middleware/user.ts': STAFF_GATE,
      'src/settings.ts': settings('./middleware/user'),
      'src/aliased.ts': settings('@app/middleware/user'),
      'src/deno.ts': settings('@x/middleware/user.ts'),
      'src/deno-no-slash.ts': settings('@y/middleware/user.ts'),
      'src/imports.ts': settings('#app/middleware/user.ts'),
    });
    expect(reportsOf(root)).toEqual(MISORDERED);
    for (const file of ['aliased', 'deno', 'deno-no-slash', 'imports']) expect(reportsOf(root, `src/${file}.ts`), file).toEqual([]);
  });

  it('reads each config file once per run, however many files share it', () => {
    const root = project({
      'tsconfig.json': json({ compilerOptions: { paths: { '@app/*': ['src/*'] } } }),
      'src/middleware/user.ts': STAFF_GATE,
    });
    const reads = new Map<string, number>();
    const resolveAlias = createAliasResolver((path) => {
      reads.set(path, (reads.get(path) ?? 0) + 1);
      return readOnlyDiskHost.readFile(path);
    });
    for (const from of ['src/a.ts', 'src/b.ts', 'src/deep/c.ts']) {
      expect(resolveAlias(join(root, from), '@app/middleware/user')).toBe(join(root, 'src/middleware/user.ts'));
    }
    expect(reads.get(join(root, 'tsconfig.json'))).toBe(1);
    expect(resolveAlias(join(root, 'src/a.ts'), 'left-pad')).toBeUndefined();
  });
});
