/**
 * The knowledge base on Django settings: third-party middleware's documented constraints, Django's
 * setting-dependent orderings and start-up errors, config `equivalent` entries, subclasses, and the
 * order / duplicate fixes on Python list text (comments, CRLF, tuples).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type OnionConfig } from '../src/config.js';
import { lint } from '../src/engine.js';
import { applyFixes } from '../src/fix.js';
import { ensurePythonParser } from '../src/frontends/python/index.js';
import { isKnownEquivalentTarget, knowledgeBase } from '../src/knowledge/django.js';
import { PACKAGE_MIDDLEWARE, PACKAGE_PATHS } from '../src/knowledge/django-packages.js';
import { DJANGO_PATHS } from '../src/knowledge/django-paths.js';
import { LineIndex } from '../src/text.js';

beforeAll(async () => {
  await ensurePythonParser();
});

const { security: SEC, session: SES, common: COM, auth: AUTH, message: MSG } = DJANGO_PATHS;
const { whitenoise: WN, cors: CORS, allauthAccount: ALLAUTH } = PACKAGE_PATHS;
const ADMIN_APPS = 'INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth", "django.contrib.sessions", "django.contrib.messages"]\n';

/** `MIDDLEWARE = [...]` with one entry per line. */
const middleware = (...paths: string[]) => `MIDDLEWARE = [\n${paths.map((p) => `    "${p}",\n`).join('')}]\n`;

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'onion-knowledge-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

function lintProject(files: Record<string, string>, config: OnionConfig = defaultConfig()) {
  const root = project(files);
  const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
  const sources = Object.entries(files).filter(([rel]) => !rel.endsWith('.json'));
  return { root, results: lint(sources.map(([rel, text]) => ({ path: join(root, rel), text })), { config, host }) };
}

/** `file:line rule` for every report. */
function reports(files: Record<string, string>, config?: OnionConfig): string[] {
  const { root, results } = lintProject(files, config);
  return results.flatMap((r) => {
    const lines = new LineIndex(r.text);
    return r.diagnostics.map((d) => `${r.filePath.slice(root.length + 1)}:${lines.position(d.range.start).line} ${d.ruleId}`);
  });
}

const withKnowledge = (knowledge: unknown[]): OnionConfig => ({ ...defaultConfig(), knowledge });

describe('config knowledge: equivalent', () => {
  const MY_AUTH = 'proj.auth.StaffAuthenticationMiddleware';
  const config = withKnowledge([{ path: MY_AUTH, equivalent: AUTH }]);

  it('a project class declared equivalent meets the admin requirement and takes the built-in needs', () => {
    expect(reports({ 'settings.py': ADMIN_APPS + middleware(SEC, SES, MY_AUTH, MSG) }, config)).toEqual([]);
    // Without the entry the project class is unknown, which turns presence checks off; with it,
    // only SessionMiddleware is missing (admin.E410, and the session the class and Message read).
    const noSession = { 'settings.py': ADMIN_APPS + middleware(SEC, MY_AUTH, MSG) };
    expect(reports(noSession)).toEqual([]);
    const { results } = lintProject(noSession, config);
    expect(results[0]!.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/^`MIDDLEWARE` lacks `SessionMiddleware` \(admin\.E410/),
      expect.stringMatching(/^`StaffAuthenticationMiddleware` reads `request\.session`/),
      expect.stringMatching(/^`MessageMiddleware` reads `request\.session`/),
    ]);
    // Above SessionMiddleware it reads request.session before it is set, like the built-in.
    expect(reports({ 'settings.py': ADMIN_APPS + middleware(SEC, MY_AUTH, SES, MSG) }, config)).toEqual(['settings.py:4 onion/middleware-order']);
  });

  it('takes the built-in ordering constraints, is not a duplicate of it, and keeps its own name in messages', () => {
    const cors = withKnowledge([{ path: 'proj.http.ApiCorsMiddleware', equivalent: CORS }]);
    const { results } = lintProject({ 'settings.py': middleware(SEC, COM, 'proj.http.ApiCorsMiddleware', SES) }, cors);
    expect(results[0]!.diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('`CommonMiddleware` is listed above `ApiCorsMiddleware`')]);
    // Listed beside the built-in it stands for, it is another class, not the same layer twice.
    expect(reports({ 'settings.py': ADMIN_APPS + middleware(SEC, SES, AUTH, MY_AUTH, MSG) }, config)).toEqual([]);
  });

  it('does not meet a check that compares the exact string (allauth.account)', () => {
    const files = { 'settings.py': 'INSTALLED_APPS = ["allauth", "allauth.account"]\n' + middleware(SEC, SES, 'proj.accounts.AccountMiddleware') };
    const eq = withKnowledge([{ path: 'proj.accounts.AccountMiddleware', equivalent: ALLAUTH }]);
    expect(reports(files, eq)).toEqual(['settings.py:2 onion/required-middleware']);
    expect(reports({ 'settings.py': 'INSTALLED_APPS = ["allauth", "allauth.account"]\n' + middleware(SEC, SES, ALLAUTH) })).toEqual([]);
  });

  it('the knowledge base records what it stands for; equivalent targets are known paths only', () => {
    const known = knowledgeBase([{ path: MY_AUTH, equivalent: AUTH, sets: ['staff'] }]).middleware.get(MY_AUTH)!;
    expect(known).toMatchObject({ equivalent: AUTH, sets: ['user', 'auser', 'staff'], needs: ['session'] });
    expect(known.failure).toBeUndefined();
    expect(isKnownEquivalentTarget(AUTH)).toBe(true);
    expect(isKnownEquivalentTarget(WN)).toBe(true);
    expect(isKnownEquivalentTarget('django.contrib.auth.middleware.AuthMiddleware')).toBe(false);
  });
});

describe('subclasses count as their base', () => {
  it('a TypeScript project subclass of a port class takes the base ordering constraints, not only its needs', () => {
    const files = {
      'package.json': '{"private":true}',
      'app/session.ts':
        "import { SessionMiddleware } from 'django-port';\nexport class TenantSessionMiddleware extends SessionMiddleware {}\n",
      'settings.ts': "import { TenantSessionMiddleware } from './app/session';\nexport const MIDDLEWARE = [TenantSessionMiddleware, 'django.middleware.cache.UpdateCacheMiddleware'];\n",
    };
    // UpdateCacheMiddleware goes above SessionMiddleware (Vary: Cookie), and so above its subclass.
    expect(reports(files)).toEqual(['settings.ts:2 onion/middleware-order']);
  });

  it('and meets its presence requirement', () => {
    const files = {
      'package.json': '{"private":true}',
      'app/auth.ts': "import { AuthenticationMiddleware } from 'django-port';\nexport class StaffAuth extends AuthenticationMiddleware {}\n",
      'settings.ts': `import { StaffAuth } from './app/auth';\nexport const INSTALLED_APPS = ['django.contrib.admin'];\nexport const MIDDLEWARE = ['${SES}', StaffAuth, '${MSG}'];\n`,
    };
    expect(reports(files)).toEqual([]);
  });
});

describe('nonce readers go below the CSP middleware', () => {
  const reader = (attribute: string) => ({
    'package.json': '{"private":true}',
    'app/nonce.ts': `export class NonceHeader {\n  constructor(getResponse) { this.getResponse = getResponse; }\n  call(request) {\n    const nonce = request.${attribute};\n    return this.getResponse(request);\n  }\n}\n`,
  });

  it("Django's ContentSecurityPolicyMiddleware sets the nonce for the layers below it", () => {
    const csp = 'django.middleware.csp.ContentSecurityPolicyMiddleware';
    expect(reports({ ...reader('_csp_nonce'), 'settings.ts': `export const MIDDLEWARE = ['app.nonce.NonceHeader', '${csp}'];\n` })).toEqual(['settings.ts:1 onion/middleware-order']);
    expect(reports({ ...reader('_csp_nonce'), 'settings.ts': `export const MIDDLEWARE = ['${csp}', 'app.nonce.NonceHeader'];\n` })).toEqual([]);
  });

  it("django-csp's CSPMiddleware sets request.csp_nonce for the layers below it", () => {
    expect(reports({ ...reader('csp_nonce'), 'settings.ts': "export const MIDDLEWARE = ['app.nonce.NonceHeader', 'csp.middleware.CSPMiddleware'];\n" })).toEqual(['settings.ts:1 onion/middleware-order']);
  });
});

describe('third-party constraints', () => {
  it('every package entry cites its source', () => {
    for (const m of PACKAGE_MIDDLEWARE) expect(m.source, m.path).toMatch(/README|documentation/);
  });

  it("WhiteNoise below Session is reported; the fix moves it only when nothing tolerated stays between", () => {
    const movable = lintProject({ 'settings.py': middleware(SEC, CORS, SES, WN, COM) }).results[0]!;
    expect(movable.diagnostics.map((d) => d.ruleId)).toEqual(['onion/middleware-order']);
    expect(applyFixes(movable.text, movable.diagnostics.map((d) => d.fix!)).output).toBe(middleware(SEC, CORS, WN, SES, COM));
    // Moving WhiteNoise above SessionMiddleware here would put it above SecurityMiddleware too.
    const stuck = lintProject({ 'settings.py': middleware(SES, SEC, WN, COM) }).results[0]!;
    expect(stuck.diagnostics.map((d) => [d.ruleId, d.fix])).toEqual([['onion/middleware-order', undefined]]);
  });

  it('layers asking for the same end tolerate each other; unknown layers are not held against them', () => {
    const files = { 'settings.py': middleware('django_hosts.middleware.HostsRequestMiddleware', 'django_prometheus.middleware.PrometheusBeforeMiddleware', SEC, SES, 'proj.audit.AuditMiddleware', 'axes.middleware.AxesMiddleware', 'proj.audit.LastWordMiddleware', 'django_prometheus.middleware.PrometheusAfterMiddleware', 'django_hosts.middleware.HostsResponseMiddleware') };
    expect(reports(files)).toEqual([]);
  });

  it('a CSRF_USE_SESSIONS-dependent order applies only with that setting on', () => {
    const list = middleware(SEC, COM, SES, 'django.middleware.csrf.CsrfViewMiddleware');
    expect(reports({ 'settings.py': list })).toEqual([]);
    expect(reports({ 'settings.py': `CSRF_USE_SESSIONS = False\n${list}` })).toEqual([]);
    // Common above Session (documented order), Csrf below Session: only Common is reported.
    expect(reports({ 'settings.py': `CSRF_USE_SESSIONS = True\n${list}` })).toEqual(['settings.py:4 onion/middleware-order']);
  });

  it('RedirectFallbackMiddleware without django.contrib.sites fails at start-up; an app some configuration installs is enough', () => {
    const redirects = 'django.contrib.redirects.middleware.RedirectFallbackMiddleware';
    expect(reports({ 'settings.py': `INSTALLED_APPS = ["django.contrib.redirects"]\n${middleware(SEC, redirects)}` })).toEqual(['settings.py:4 onion/required-middleware']);
    expect(reports({ 'settings.py': `import os\nINSTALLED_APPS = ["django.contrib.redirects"]\nif os.environ.get("SITES"):\n    INSTALLED_APPS += ["django.contrib.sites"]\n${middleware(SEC, redirects)}` })).toEqual([]);
    // No INSTALLED_APPS in this module: nothing is known, nothing said.
    expect(reports({ 'settings.py': middleware(SEC, redirects) })).toEqual([]);
  });
});

describe('fixes on Python lists', () => {
  const fixed = (text: string) => {
    const r = lintProject({ 'settings.py': text }).results[0]!;
    return applyFixes(r.text, r.diagnostics.flatMap((d) => (d.fix ? [d.fix] : []))).output;
  };

  it('a moved last entry without a comma gets one before its trailing comment; CRLF stays CRLF', () => {
    const text = `MIDDLEWARE = [\r\n    "${AUTH}",  # user\r\n    "${SES}"  # session\r\n]\r\n`;
    expect(fixed(text)).toBe(`MIDDLEWARE = [\r\n    "${SES}",  # session\r\n    "${AUTH}",  # user\r\n]\r\n`);
  });

  it('a duplicate removed from a two-element tuple leaves a one-element tuple', () => {
    expect(fixed(`MIDDLEWARE = ("${SEC}", "${SEC}")\n`)).toBe(`MIDDLEWARE = ("${SEC}",)\n`);
    expect(fixed(`MIDDLEWARE = ["${SEC}", "${SEC}"]\n`)).toBe(`MIDDLEWARE = ["${SEC}"]\n`);
  });

  it('a duplicate line with a comment goes with its comment; the rest of the list is intact', () => {
    expect(fixed(`MIDDLEWARE = (\n    "${SEC}",  # first\n    "${SES}",\n    "${SEC}",  # again\n)\n`)).toBe(`MIDDLEWARE = (\n    "${SEC}",  # first\n    "${SES}",\n)\n`);
  });
});
