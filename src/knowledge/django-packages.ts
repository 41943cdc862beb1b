/**
 * What onionlint knows about widely used third-party Django middleware, each listed by the dotted
 * path its installation instructions give. The constraints are paraphrased from each package's
 * README or installation documents (the `source` of each entry names which), and from the system
 * checks or start-up errors the package itself raises (quoted exactly, for messages). See
 * ../shared/design/PYTHON.md (e).
 *
 * Where two packages' documents conflict, the commonly accepted order is silent:
 *
 * - WhiteNoise wants to sit directly below SecurityMiddleware, above all others, and tells users
 *   to ignore other packages asking to be first; django-cors-headers wants CorsMiddleware as high
 *   as possible, above anything that can answer (CommonMiddleware, WhiteNoiseMiddleware).
 *   cookiecutter-django's base settings list Security → CorsMiddleware → WhiteNoise → Session…,
 *   so WhiteNoise's "first" tolerates CorsMiddleware (and Security) above it.
 * - Several layers ask to be first (prometheus' Before, django-hosts' request half, Django's
 *   UpdateCacheMiddleware) or last (prometheus' After, django-hosts' response half, axes, Django's
 *   FetchFromCacheMiddleware): layers asking for the same end tolerate each other.
 * - django-debug-toolbar asks to be "as early as possible" (and below GZip), yet dev settings
 *   append it; django-browser-reload is dev-only and appended too. Neither is held against a
 *   layer that asks to be first or last: only GZip above them is checked (the toolbar's W003).
 */
import { DJANGO_PATHS } from './django-paths.js';
import type { KnownMiddleware, OrderConstraint, PositionConstraint, PresenceRequirement } from './django.js';

export const PACKAGE_PATHS = {
  cors: 'corsheaders.middleware.CorsMiddleware',
  whitenoise: 'whitenoise.middleware.WhiteNoiseMiddleware',
  debugToolbar: 'debug_toolbar.middleware.DebugToolbarMiddleware',
  browserReload: 'django_browser_reload.middleware.BrowserReloadMiddleware',
  silk: 'silk.middleware.SilkyMiddleware',
  otp: 'django_otp.middleware.OTPMiddleware',
  axes: 'axes.middleware.AxesMiddleware',
  hostsRequest: 'django_hosts.middleware.HostsRequestMiddleware',
  hostsResponse: 'django_hosts.middleware.HostsResponseMiddleware',
  prometheusBefore: 'django_prometheus.middleware.PrometheusBeforeMiddleware',
  prometheusAfter: 'django_prometheus.middleware.PrometheusAfterMiddleware',
  csp: 'csp.middleware.CSPMiddleware',
  htmx: 'django_htmx.middleware.HtmxMiddleware',
  allauthAccount: 'allauth.account.middleware.AccountMiddleware',
} as const;

const K = PACKAGE_PATHS;
const { security: SECURITY, common: COMMON, gzip: GZIP, auth: AUTH, updateCache: UPDATE_CACHE, fetchFromCache: FETCH_FROM_CACHE } = DJANGO_PATHS;

const SRC = {
  cors: 'django-cors-headers README, "Setup" (CorsMiddleware as high as possible, above CommonMiddleware and WhiteNoiseMiddleware)',
  whitenoise: 'WhiteNoise documentation, "Using WhiteNoise with Django", step "Enable WhiteNoise" (directly below SecurityMiddleware, above all other middleware)',
  debugToolbar: 'django-debug-toolbar documentation, "Installation" (early, below middleware that encodes the response such as GZipMiddleware); debug_toolbar/apps.py system checks W001-W004',
  browserReload: 'django-browser-reload README, "Installation" (below any middleware that encodes the response, such as GZipMiddleware)',
  silk: 'django-silk README, "Installation" (GZipMiddleware above SilkyMiddleware, else an encoding error)',
  otp: 'django-otp documentation, "Installation" (OTPMiddleware after AuthenticationMiddleware: it wraps request.user)',
  axes: 'django-axes documentation, "Installation" (AxesMiddleware last in MIDDLEWARE); axes/checks.py (axes.W002)',
  hosts: 'django-hosts documentation, "Installation" (HostsRequestMiddleware at the beginning of MIDDLEWARE, HostsResponseMiddleware at the end)',
  prometheus: 'django-prometheus README, "Quickstart" (PrometheusBeforeMiddleware first, PrometheusAfterMiddleware last, everything else between)',
  csp: 'django-csp documentation, "Installation" and "Nonce" (CSPMiddleware sets request.csp_nonce for the layers and templates below it)',
  htmx: 'django-htmx documentation, "Installation" (HtmxMiddleware sets request.htmx; no ordering requirement)',
  allauth: 'django-allauth documentation, "Quickstart"; allauth/account/apps.py (ready() requires the exact path in settings.MIDDLEWARE)',
};

export const PACKAGE_MIDDLEWARE: KnownMiddleware[] = [
  { path: K.cors, sets: [], needs: [], source: SRC.cors },
  { path: K.whitenoise, sets: [], needs: [], source: SRC.whitenoise },
  { path: K.debugToolbar, sets: [], needs: [], source: SRC.debugToolbar },
  { path: K.browserReload, sets: [], needs: [], source: SRC.browserReload },
  { path: K.silk, sets: [], needs: [], source: SRC.silk },
  { path: K.otp, sets: [], needs: [], source: SRC.otp },
  { path: K.axes, sets: [], needs: [], source: SRC.axes },
  { path: K.hostsRequest, sets: ['urlconf', 'host'], needs: [], source: SRC.hosts },
  { path: K.hostsResponse, sets: [], needs: [], source: SRC.hosts },
  { path: K.prometheusBefore, sets: [], needs: [], source: SRC.prometheus },
  { path: K.prometheusAfter, sets: [], needs: [], source: SRC.prometheus },
  { path: K.csp, sets: ['csp_nonce'], needs: [], source: SRC.csp },
  { path: K.htmx, sets: ['htmx'], needs: [], source: SRC.htmx },
  { path: K.allauthAccount, sets: [], needs: [], source: SRC.allauth },
];

const W003 = 'django-debug-toolbar reports it as debug_toolbar.W003 ("debug_toolbar.middleware.DebugToolbarMiddleware occurs before django.middleware.gzip.GZipMiddleware in MIDDLEWARE."): the toolbar must see the response before GZip compresses it';

export const PACKAGE_CONSTRAINTS: OrderConstraint[] = [
  { upper: K.cors, lower: COMMON, reason: 'django-cors-headers must sit above CommonMiddleware: a redirect CommonMiddleware answers with (APPEND_SLASH) would otherwise lack the CORS headers', source: SRC.cors },
  { upper: K.cors, lower: K.whitenoise, reason: 'django-cors-headers must sit above WhiteNoiseMiddleware: the static files WhiteNoise answers with would otherwise lack the CORS headers', source: SRC.cors },
  { upper: SECURITY, lower: K.whitenoise, reason: 'WhiteNoise goes directly below SecurityMiddleware, so that static files get its redirects and security headers too', source: SRC.whitenoise },
  { upper: GZIP, lower: K.debugToolbar, reason: W003, source: SRC.debugToolbar },
  { upper: GZIP, lower: K.browserReload, reason: 'django-browser-reload inserts its script into HTML responses, which it cannot do once GZipMiddleware below it has compressed them', source: SRC.browserReload },
  { upper: GZIP, lower: K.silk, reason: 'django-silk must sit below GZipMiddleware, or it records compressed bodies and fails with an encoding error', source: SRC.silk },
  { upper: AUTH, lower: K.otp, reason: "django-otp's OTPMiddleware wraps the request.user that AuthenticationMiddleware sets; above it, there is no user to verify and request.user.is_verified() is missing", source: SRC.otp },
  { upper: K.hostsRequest, lower: K.hostsResponse, reason: "django-hosts' request half goes at the beginning of MIDDLEWARE and its response half at the end", source: SRC.hosts },
  { upper: K.prometheusBefore, lower: K.prometheusAfter, reason: "django-prometheus' Before and After layers wrap the whole stack: Before first, After last", source: SRC.prometheus },
];

/** Layers asking to be at the very top, or the very bottom (such layers tolerate each other). */
const FIRST = [K.prometheusBefore, K.hostsRequest, UPDATE_CACHE];
const LAST = [K.prometheusAfter, K.hostsResponse, K.axes, FETCH_FROM_CACHE];
/** Dev-only layers that dev settings append (their own wish to be early is not enforced). */
const DEV_TOOLS = [K.debugToolbar, K.browserReload];

export const PACKAGE_POSITIONS: PositionConstraint[] = [
  {
    path: K.whitenoise,
    position: 'first',
    tolerate: [SECURITY, K.cors, ...FIRST, ...DEV_TOOLS],
    reason: "WhiteNoise's documentation places it directly below SecurityMiddleware, above every other middleware (CorsMiddleware may sit between them), so that static files are answered before the rest of the stack runs",
    source: SRC.whitenoise,
  },
  { path: K.prometheusBefore, position: 'first', tolerate: [...FIRST, ...DEV_TOOLS], reason: "django-prometheus' PrometheusBeforeMiddleware goes first, so that every request is counted and timed, including those a higher layer answers", source: SRC.prometheus },
  { path: K.hostsRequest, position: 'first', tolerate: [...FIRST, ...DEV_TOOLS], reason: "django-hosts' HostsRequestMiddleware goes at the beginning of MIDDLEWARE, so that every layer below sees the host's urlconf", source: SRC.hosts },
  { path: K.prometheusAfter, position: 'last', tolerate: [...LAST, ...DEV_TOOLS], reason: "django-prometheus' PrometheusAfterMiddleware goes last, so that it measures the response every other layer produced", source: SRC.prometheus },
  { path: K.hostsResponse, position: 'last', tolerate: [...LAST, ...DEV_TOOLS], reason: "django-hosts' HostsResponseMiddleware goes at the end of MIDDLEWARE", source: SRC.hosts },
  { path: K.axes, position: 'last', tolerate: [...LAST, ...DEV_TOOLS], reason: "django-axes' documentation puts AxesMiddleware last in MIDDLEWARE, below the layers whose login attempts it answers with the lockout response", source: SRC.axes },
];

export const PACKAGE_PRESENCE: PresenceRequirement[] = [
  {
    when: { installedApp: 'allauth.account' },
    path: K.allauthAccount,
    check: 'allauth.account fails at start-up',
    message: 'ImproperlyConfigured: allauth.account.middleware.AccountMiddleware must be added to settings.MIDDLEWARE',
    exact: true,
  },
  { when: { installedApp: 'axes' }, path: K.axes, check: 'axes.W002', message: "You do not have 'axes.middleware.AxesMiddleware' in your settings.MIDDLEWARE.", exact: true },
  { when: { installedApp: 'debug_toolbar' }, path: K.debugToolbar, check: 'debug_toolbar.W001', message: 'debug_toolbar.middleware.DebugToolbarMiddleware is missing from MIDDLEWARE.' },
];

/** Package checks that name a duplicate or a legacy setting, for messages (debug_toolbar.W002, W004). */
export const PACKAGE_CHECKS: Record<string, { duplicate?: string; legacy?: string }> = {
  [K.debugToolbar]: {
    duplicate: 'debug_toolbar.W002: debug_toolbar.middleware.DebugToolbarMiddleware occurs multiple times in MIDDLEWARE.',
    legacy: 'debug_toolbar.W004: debug_toolbar is incompatible with MIDDLEWARE_CLASSES setting.',
  },
};
