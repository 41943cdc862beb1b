/**
 * What onionlint knows about Django's built-in middleware without analysing them: the request
 * attributes each sets and needs in its request half, the documented ordering constraints, and
 * the system checks they take part in. Every entry cites where the fact lives in Django
 * (see ../shared/design/DJANGO.md, checked against Django's main branch, 6.2 development).
 */

import { ALEXI_CONSTRAINTS, ALEXI_MIDDLEWARE, type PackageExport, type PackageMiddleware } from './alexi.js';
import { DJANGO_PATHS } from './django-paths.js';
import { PACKAGE_CONSTRAINTS, PACKAGE_MIDDLEWARE, PACKAGE_POSITIONS, PACKAGE_PRESENCE } from './django-packages.js';

export interface KnownMiddleware {
  /** The dotted path a settings list names it by; for middleware known by package (alexi.ts), `<package>#<class>`. */
  path: string;
  /** Request attributes it sets before calling the next layer. */
  sets: string[];
  /** Request attributes it reads before calling the next layer (set by a layer above it). */
  needs: string[];
  /** Where the fact comes from. */
  source: string;
  /** Django's own error text when a `needs` is not met, for messages. */
  failure?: string;
  /** The framework whose stack lists it, for messages, when it is not Django (`Alexi`). */
  framework?: string;
  /** Hooks it implements (for the onion picture). */
  hooks?: Array<'processView' | 'processException' | 'processTemplateResponse'>;
  /**
   * The known middleware this one stands for (a config `knowledge` entry's `equivalent`): it meets
   * that one's presence requirements and takes its ordering constraints.
   */
  equivalent?: string;
  /** Apps that must be in INSTALLED_APPS, with Django's start-up error when one is missing. */
  requiresApps?: Array<{ app: string; failure: string }>;
}

/** `upper` must be listed above `lower`; `reason` says what breaks otherwise. */
export interface OrderConstraint {
  upper: string;
  lower: string;
  reason: string;
  source: string;
  /** Only when a setting of the same module has this literal value (`CSRF_USE_SESSIONS = True`). */
  when?: { setting: string; equals: string | number | boolean };
}

/**
 * `path` must be listed first (or last): no other known middleware above (below) it, except those
 * in `tolerate` and those asking for the same end themselves.
 */
export interface PositionConstraint {
  path: string;
  position: 'first' | 'last';
  tolerate: string[];
  reason: string;
  source: string;
}

export interface RemovedMiddleware {
  path: string;
  fate: string;
  /** The path that replaced it, when there is one. */
  replacement?: string;
}

const MW = 'docs/ref/middleware.txt, "Middleware ordering"';

export const BUILTINS: KnownMiddleware[] = [
  { path: 'django.middleware.security.SecurityMiddleware', sets: [], needs: [], source: `django/middleware/security.py; ${MW}` },
  { path: 'django.middleware.cache.UpdateCacheMiddleware', sets: [], needs: [], source: `django/middleware/cache.py; ${MW}` },
  { path: 'django.middleware.gzip.GZipMiddleware', sets: [], needs: [], source: `django/middleware/gzip.py; ${MW}` },
  { path: 'django.contrib.sessions.middleware.SessionMiddleware', sets: ['session'], needs: [], source: 'django/contrib/sessions/middleware.py (process_request sets request.session)' },
  { path: 'django.middleware.http.ConditionalGetMiddleware', sets: [], needs: [], source: `django/middleware/http.py; ${MW}` },
  { path: 'django.middleware.locale.LocaleMiddleware', sets: ['LANGUAGE_CODE'], needs: [], source: `django/middleware/locale.py; ${MW}` },
  { path: 'django.middleware.common.CommonMiddleware', sets: [], needs: [], source: `django/middleware/common.py; ${MW}` },
  { path: 'django.middleware.common.BrokenLinkEmailsMiddleware', sets: [], needs: [], source: `django/middleware/common.py; ${MW}` },
  {
    path: 'django.middleware.csrf.CsrfViewMiddleware',
    sets: ['csrf_processing_done'],
    needs: [],
    hooks: ['processView'],
    source: `django/middleware/csrf.py; ${MW} (needs session only with CSRF_USE_SESSIONS)`,
    // Raised only when the session is needed, i.e. with CSRF_USE_SESSIONS (link/stacks.ts settingDependentNeeds).
    failure: 'ImproperlyConfigured: CSRF_USE_SESSIONS is enabled, but request.session is not set. SessionMiddleware must appear before CsrfViewMiddleware in MIDDLEWARE.',
  },
  {
    path: 'django.contrib.auth.middleware.AuthenticationMiddleware',
    sets: ['user', 'auser'],
    needs: ['session'],
    source: 'django/contrib/auth/middleware.py (AuthenticationMiddleware.process_request)',
    failure:
      "ImproperlyConfigured: The Django authentication middleware requires session middleware to be installed. Edit your MIDDLEWARE setting to insert 'django.contrib.sessions.middleware.SessionMiddleware' before 'django.contrib.auth.middleware.AuthenticationMiddleware'.",
  },
  {
    path: 'django.contrib.auth.middleware.LoginRequiredMiddleware',
    sets: [],
    needs: ['user'],
    hooks: ['processView'],
    source: 'django/contrib/auth/middleware.py (Django 5.1+); system check auth.E013',
    failure: "AttributeError: 'WSGIRequest' object has no attribute 'user'",
  },
  {
    path: 'django.contrib.auth.middleware.RemoteUserMiddleware',
    sets: ['user'],
    needs: ['user', 'session'],
    source: 'django/contrib/auth/middleware.py (RemoteUserMiddleware.process_request)',
    failure: 'ImproperlyConfigured: The Django remote user auth middleware requires the authentication middleware to be installed.',
  },
  {
    path: 'django.contrib.auth.middleware.PersistentRemoteUserMiddleware',
    sets: ['user'],
    needs: ['user', 'session'],
    source: 'django/contrib/auth/middleware.py (PersistentRemoteUserMiddleware)',
    failure: 'ImproperlyConfigured: The Django remote user auth middleware requires the authentication middleware to be installed.',
  },
  {
    path: 'django.contrib.messages.middleware.MessageMiddleware',
    sets: ['_messages'],
    needs: ['session'],
    source: 'django/contrib/messages/middleware.py; storage/session.py (default storage)',
    failure:
      'ImproperlyConfigured: The session-based temporary message storage requires session middleware to be installed, and come before the message middleware in the MIDDLEWARE list.',
  },
  { path: 'django.middleware.cache.FetchFromCacheMiddleware', sets: ['_cache_update_cache'], needs: [], source: `django/middleware/cache.py; ${MW}` },
  { path: 'django.middleware.cache.CacheMiddleware', sets: [], needs: [], source: `django/middleware/cache.py; ${MW}` },
  { path: 'django.middleware.clickjacking.XFrameOptionsMiddleware', sets: [], needs: [], source: 'django/middleware/clickjacking.py' },
  { path: 'django.middleware.csp.ContentSecurityPolicyMiddleware', sets: ['_csp_nonce'], needs: [], source: 'django/middleware/csp.py (Django 6.0+)' },
  { path: 'django.contrib.sites.middleware.CurrentSiteMiddleware', sets: ['site'], needs: [], source: 'django/contrib/sites/middleware.py' },
  { path: 'django.contrib.flatpages.middleware.FlatpageFallbackMiddleware', sets: [], needs: [], source: `django/contrib/flatpages/middleware.py; ${MW}` },
  {
    path: 'django.contrib.redirects.middleware.RedirectFallbackMiddleware',
    sets: [],
    needs: [],
    source: 'django/contrib/redirects/middleware.py (__init__ checks that django.contrib.sites is installed)',
    requiresApps: [{ app: 'django.contrib.sites', failure: 'ImproperlyConfigured: You cannot use RedirectFallbackMiddleware when django.contrib.sites is not installed.' }],
  },
  {
    path: 'django.contrib.admindocs.middleware.XViewMiddleware',
    sets: [],
    needs: ['user'],
    hooks: ['processView'],
    source: 'django/contrib/admindocs/middleware.py (process_view reads request.user)',
    failure:
      "ImproperlyConfigured: The XView middleware requires authentication middleware to be installed. Edit your MIDDLEWARE setting to insert 'django.contrib.auth.middleware.AuthenticationMiddleware'.",
  },
];

const P = DJANGO_PATHS;

export const KNOWN_PATHS = P;

const VARY = 'UpdateCacheMiddleware must run after (be listed above) every middleware that adds to the Vary header, or the cache ignores that variation';

/** Documented orderings that are not request-attribute dependencies (those come from sets/needs). */
export const ORDER_CONSTRAINTS: OrderConstraint[] = [
  { upper: P.updateCache, lower: P.session, reason: `${VARY} (SessionMiddleware adds Vary: Cookie)`, source: MW },
  { upper: P.updateCache, lower: P.gzip, reason: `${VARY} (GZipMiddleware adds Vary: Accept-Encoding)`, source: MW },
  { upper: P.updateCache, lower: P.locale, reason: `${VARY} (LocaleMiddleware adds Vary: Accept-Language)`, source: MW },
  { upper: P.session, lower: P.fetchFromCache, reason: 'FetchFromCacheMiddleware must come after everything that changes Vary (SessionMiddleware), or it serves cached pages across sessions', source: MW },
  { upper: P.gzip, lower: P.fetchFromCache, reason: 'FetchFromCacheMiddleware must come after everything that changes Vary (GZipMiddleware)', source: MW },
  { upper: P.locale, lower: P.fetchFromCache, reason: 'FetchFromCacheMiddleware must come after everything that changes Vary (LocaleMiddleware)', source: MW },
  { upper: P.updateCache, lower: P.fetchFromCache, reason: 'the cache middleware pair wraps the stack: UpdateCacheMiddleware first, FetchFromCacheMiddleware last', source: MW },
  { upper: P.gzip, lower: P.conditionalGet, reason: 'ConditionalGetMiddleware must see the compressed body to compute a correct ETag, so it goes below GZipMiddleware', source: MW },
  { upper: P.session, lower: P.locale, reason: 'LocaleMiddleware reads the language stored in the session', source: MW },
  { upper: P.cache, lower: P.locale, reason: 'LocaleMiddleware goes below CacheMiddleware, which must see its Vary: Accept-Language', source: MW },
  { upper: P.locale, lower: P.common, reason: 'CommonMiddleware needs the activated language to resolve URLs when APPEND_SLASH redirects', source: MW },
  { upper: P.brokenLinks, lower: P.locale, reason: 'BrokenLinkEmailsMiddleware must see 404s before LocaleMiddleware turns them into redirects', source: MW },
  { upper: P.brokenLinks, lower: P.flatpages, reason: 'BrokenLinkEmailsMiddleware must see 404s before FlatpageFallbackMiddleware answers them', source: MW },
  { upper: P.csrf, lower: P.remoteUser, reason: 'RemoteUserMiddleware logs users in, which must happen after the CSRF check', source: MW },
  { upper: P.csrf, lower: P.persistentRemoteUser, reason: 'PersistentRemoteUserMiddleware logs users in, which must happen after the CSRF check', source: MW },
  {
    upper: P.session,
    lower: P.common,
    reason:
      "with CSRF_USE_SESSIONS the CSRF token lives in the session, which must be set before any layer that can raise into an error view, and CommonMiddleware raises PermissionDenied for DISALLOWED_USER_AGENTS (Django's ordering reference: CommonMiddleware after SessionMiddleware when CSRF_USE_SESSIONS is on)",
    source: `${MW} (CommonMiddleware, with CSRF_USE_SESSIONS)`,
    when: { setting: 'CSRF_USE_SESSIONS', equals: true },
  },
];

/** Paths old code still lists, and what became of them (an unknown-path report says so). */
export const REMOVED: RemovedMiddleware[] = [
  { path: 'django.contrib.auth.middleware.SessionAuthenticationMiddleware', fate: 'a no-op since Django 1.10 and removed in 2.0' },
  { path: 'django.middleware.transaction.TransactionMiddleware', fate: 'removed in Django 1.8 (use ATOMIC_REQUESTS)' },
  { path: 'django.middleware.doc.XViewMiddleware', fate: 'moved', replacement: 'django.contrib.admindocs.middleware.XViewMiddleware' },
  { path: 'django.middleware.csrf.CsrfResponseMiddleware', fate: 'removed in Django 1.4' },
];

/** `django-admin startproject`'s MIDDLEWARE, which must lint clean. */
export const STARTPROJECT_DEFAULT: string[] = [P.security, P.session, P.common, P.csrf, P.auth, P.message, P.xframe];

/** Presence requirements from Django's system checks. */
export interface PresenceRequirement {
  /** What triggers it: an installed app, or a preset. */
  when: { installedApp: string } | { preset: string };
  path: string;
  check: string;
  message: string;
  /** Met only by this exact string in the list (the check compares strings): no subclass, no equivalent. */
  exact?: boolean;
}

export const PRESENCE_REQUIREMENTS: PresenceRequirement[] = [
  { when: { installedApp: 'django.contrib.admin' }, path: P.auth, check: 'admin.E408', message: "'django.contrib.auth.middleware.AuthenticationMiddleware' must be in MIDDLEWARE in order to use the admin application." },
  { when: { installedApp: 'django.contrib.admin' }, path: P.message, check: 'admin.E409', message: "'django.contrib.messages.middleware.MessageMiddleware' must be in MIDDLEWARE in order to use the admin application." },
  { when: { installedApp: 'django.contrib.admin' }, path: P.session, check: 'admin.E410', message: "'django.contrib.sessions.middleware.SessionMiddleware' must be in MIDDLEWARE in order to use the admin application." },
  { when: { preset: 'deploy' }, path: P.security, check: 'security.W001', message: 'You do not have SecurityMiddleware in MIDDLEWARE, so SECURE_HSTS_SECONDS, SECURE_SSL_REDIRECT and the other security headers are never applied.' },
  { when: { preset: 'deploy' }, path: P.xframe, check: 'security.W002', message: 'You do not have XFrameOptionsMiddleware in MIDDLEWARE, so your pages are not served with X-Frame-Options: DENY (clickjacking).' },
  { when: { preset: 'deploy' }, path: P.csrf, check: 'security.W003', message: 'You do not have CsrfViewMiddleware in MIDDLEWARE; your site is not protected against cross-site request forgery unless every view uses csrf_protect.' },
  ...PACKAGE_PRESENCE,
];

/** A project's or third party's middleware described in config (`knowledge` key). */
export interface KnowledgeExtension {
  /** Dotted path, or the class name an imported entry is known by. */
  path: string;
  sets?: string[];
  needs?: string[];
  /** Paths (or names) this middleware must be listed below. */
  below?: string[];
  /** Paths (or names) this middleware must be listed above. */
  above?: string[];
  /**
   * The dotted path of a middleware the knowledge base knows (a Django built-in, a package's, or
   * another entry's) that this one stands for: it meets that one's presence requirements and takes
   * its sets, needs and ordering constraints (a project's own AuthenticationMiddleware).
   */
  equivalent?: string;
  note?: string;
}

export interface KnowledgeBase {
  middleware: Map<string, KnownMiddleware>;
  /** By class name (last path segment), for entries imported from a Django port package. */
  byName: Map<string, KnownMiddleware>;
  /** By package and export (`packageExportKey`), for ports whose middleware alexi.ts describes. */
  byExport: Map<string, PackageMiddleware>;
  /** The packages `byExport` describes: what else they export is unknown, not Django's by name. */
  describedPackages: Set<string>;
  constraints: OrderConstraint[];
  positions: PositionConstraint[];
  removed: Map<string, RemovedMiddleware>;
}

/** The key of `KnowledgeBase.byExport`: `@alexi/middleware#corsMiddleware()`, `@alexi/auth#AuthenticationMiddleware`. */
export function packageExportKey(pkg: string, name: string, form: PackageExport['form']): string {
  return `${pkg}#${name}${form === 'call' ? '()' : ''}`;
}

/** Django's knowledge, the Django ports' (alexi.ts), plus the config's extensions. */
export function knowledgeBase(extensions: KnowledgeExtension[] = []): KnowledgeBase {
  const middleware = new Map([...BUILTINS, ...PACKAGE_MIDDLEWARE].map((m) => [m.path, m]));
  const constraints = [...ORDER_CONSTRAINTS, ...PACKAGE_CONSTRAINTS, ...ALEXI_CONSTRAINTS];
  const byExport = new Map<string, PackageMiddleware>();
  for (const m of ALEXI_MIDDLEWARE) for (const pkg of m.packages) for (const e of m.exports) byExport.set(packageExportKey(pkg, e.name, e.form), m);
  for (const ext of extensions) {
    const target = ext.equivalent !== undefined ? middleware.get(ext.equivalent) : undefined;
    const known: KnownMiddleware = {
      path: ext.path,
      sets: union(target?.sets, ext.sets),
      needs: union(target?.needs, ext.needs),
      source: ext.note ?? (target ? `project configuration (knowledge: equivalent to ${target.path})` : 'project configuration (knowledge)'),
      // The built-in's failure text is not what another class raises: not taken over.
      ...(target ? { equivalent: target.equivalent ?? target.path, ...(target.hooks ? { hooks: target.hooks } : {}), ...(target.framework ? { framework: target.framework } : {}) } : {}),
    };
    middleware.set(ext.path, known);
    for (const upper of ext.below ?? []) constraints.push({ upper, lower: ext.path, reason: ext.note ?? `the configuration says ${lastSegment(ext.path)} goes below ${lastSegment(upper)}`, source: 'project configuration' });
    for (const lower of ext.above ?? []) constraints.push({ upper: ext.path, lower, reason: ext.note ?? `the configuration says ${lastSegment(ext.path)} goes above ${lastSegment(lower)}`, source: 'project configuration' });
  }
  const byName = new Map<string, KnownMiddleware>();
  for (const m of middleware.values()) byName.set(lastSegment(m.path), m);
  const describedPackages = new Set(ALEXI_MIDDLEWARE.flatMap((m) => m.packages));
  return { middleware, byName, byExport, describedPackages, constraints, positions: PACKAGE_POSITIONS, removed: new Map(REMOVED.map((r) => [r.path, r])) };
}

function union(a: string[] = [], b: string[] = []): string[] {
  return [...new Set([...a, ...b])];
}

/**
 * Whether a config `knowledge` entry may name `path` as its `equivalent`: a middleware the
 * knowledge base knows by dotted path, or one of the other entries.
 */
export function isKnownEquivalentTarget(path: string, extensions: KnowledgeExtension[] = []): boolean {
  return BUILTINS.some((m) => m.path === path) || PACKAGE_MIDDLEWARE.some((m) => m.path === path) || extensions.some((e) => e.path === path);
}

export function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}
