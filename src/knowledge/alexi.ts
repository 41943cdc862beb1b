/**
 * What onionlint knows about the built-in middleware of Alexi (github.com/atzufuki/alexi), the
 * Django port to TypeScript on Deno: a project lists them by importing them from Alexi's packages
 * (`import { corsMiddleware } from "@alexi/middleware"`), never by dotted path, so each is known by
 * (package, export) and matched as the import writes it. The facts were read in Alexi's own
 * sources and documents (paths below are inside that repository):
 *
 * - packages: `src/<name>/deno.jsonc` publishes `@alexi/<name>` on JSR (`".": "./mod.ts"`); the
 *   documents install with `deno add jsr:@alexi/...` and import the bare `@alexi/...`, which the
 *   generated `deno.jsonc` maps to `jsr:@alexi/...@^<version>` (`src/create/templates/root/deno_jsonc.ts`).
 *   A `jsr:`/`npm:` prefix and a version are ignored when matching (link/stacks.ts).
 * - classes: `src/middleware/types.ts` (`BaseMiddleware`: Django's `constructor(getResponse)` +
 *   `call(request)` contract; `MiddlewareClass`); each factory (`corsMiddleware(options)`) returns a
 *   configured subclass, and `AuthenticationMiddleware.configure(options)` returns one too.
 *
 * The documented order, and where the documents disagree (then no constraint is recorded):
 *
 * | source | order it shows |
 * | --- | --- |
 * | `docs/middleware/middleware.md`, "Using Middleware" | logging, CORS, error handler (error handler last) |
 * | `docs/middleware/middleware.md`, "Order Matters" | logging, error handler ("early"), CORS ("before auth": preflight requests carry no credentials), rate limit, authentication |
 * | `src/auth/middleware.ts` (doc comment of `AuthenticationMiddleware`) | logging, CORS, authentication, error handler; "place this middleware after logging/CORS" |
 * | `src/middleware/types.ts` (`MiddlewareClass` example) | CORS, logging, error handler |
 * | `src/create/templates/skills/alexi_middleware_skill_md.ts` ("Middleware Order") | CORS, logging, rate limit, authentication, error handler ("LAST") |
 * | `docs/http/application.md`, `docs/auth/authentication.md` | logging, CORS, authentication |
 * | `src/create/templates/project/settings_ts.ts`, `web_settings_ts.ts` | logging, CORS, error handler |
 *
 * - CORS above authentication: every document that lists both agrees, and two give the reason.
 *   Recorded.
 * - Logging above authentication: every document that lists both agrees, and `AuthenticationMiddleware`'s
 *   own documentation says to place it after the logging middleware. Recorded.
 * - Logging outermost: not recorded. Most documents put logging first, but `types.ts` and the
 *   middleware skill put CORS above it.
 * - The error handler: not recorded. It is last in most lists but second ("early, to catch errors
 *   from all middleware") in `middleware.md`'s "Order Matters", above CORS and authentication.
 * - Static files: no document places `staticFilesMiddleware` relative to the others. Not recorded.
 *
 * Older releases shipped function middleware of the same names from `@alexi/http`
 * (`docs/http/application.md`); that package is not matched.
 */
import type { KnownMiddleware, OrderConstraint } from './django.js';

/** How a stack entry names a package's middleware: listed as it is, or a factory called. */
export interface PackageExport {
  /** The export as the entry uses it: `CorsMiddleware`, `corsMiddleware`, `AuthenticationMiddleware.configure`. */
  name: string;
  form: 'reference' | 'call';
}

/** A middleware known by the package that exports it; `path` is `<package>#<class>`. */
export interface PackageMiddleware extends KnownMiddleware {
  /** Package specifiers as an import writes them, without `jsr:`/`npm:` and a version. */
  packages: string[];
  exports: PackageExport[];
}

const ref = (name: string): PackageExport => ({ name, form: 'reference' });
const call = (name: string): PackageExport => ({ name, form: 'call' });

const A = {
  logging: '@alexi/middleware#LoggingMiddleware',
  cors: '@alexi/middleware#CorsMiddleware',
  errorHandler: '@alexi/middleware#ErrorHandlerMiddleware',
  auth: '@alexi/auth#AuthenticationMiddleware',
  staticFiles: '@alexi/staticfiles#StaticFilesMiddleware',
} as const;

export const ALEXI_PATHS = A;

export const ALEXI_MIDDLEWARE: PackageMiddleware[] = [
  {
    path: A.logging,
    packages: ['@alexi/middleware'],
    exports: [call('loggingMiddleware'), ref('LoggingMiddleware'), ref('simpleLoggingMiddleware')],
    framework: 'Alexi',
    sets: [],
    needs: [],
    source:
      'src/middleware/logging.ts (loggingMiddleware(options), simpleLoggingMiddleware: read the method, URL and headers, log, call the next layer); src/middleware/mod.ts (exports); the LoggingMiddleware class as src/auth/middleware.ts and src/middleware/types.ts list it',
  },
  {
    path: A.cors,
    packages: ['@alexi/middleware'],
    exports: [call('corsMiddleware'), ref('CorsMiddleware'), ref('AllowAllOriginsCorsMiddleware'), ref('allowAllOriginsMiddleware')],
    framework: 'Alexi',
    sets: [],
    needs: [],
    source:
      'src/middleware/cors.ts (CorsMiddleware.call reads the Origin header; an OPTIONS preflight is answered 204/403 without calling the next layer unless preflightContinue; corsMiddleware(options) returns a subclass; AllowAllOriginsCorsMiddleware, allowAllOriginsMiddleware); docs/middleware/middleware.md',
  },
  {
    path: A.errorHandler,
    packages: ['@alexi/middleware'],
    exports: [call('errorHandlerMiddleware'), ref('ErrorHandlerMiddleware'), ref('simpleErrorHandler'), ref('debugErrorHandler')],
    framework: 'Alexi',
    sets: [],
    needs: [],
    source:
      'src/middleware/error.ts (errorHandlerMiddleware(options) catches what the next layer throws and answers with a JSON error; simpleErrorHandler, debugErrorHandler); the ErrorHandlerMiddleware class as src/auth/middleware.ts and src/middleware/types.ts list it',
  },
  {
    path: A.auth,
    packages: ['@alexi/auth'],
    exports: [ref('AuthenticationMiddleware'), call('AuthenticationMiddleware.configure')],
    framework: 'Alexi',
    sets: ['user'],
    needs: [],
    source:
      'src/auth/middleware.ts (AuthenticationMiddleware.call verifies the Authorization bearer token and sets request.user — the user, or null — before calling this.getResponse; it reads no attribute another layer sets, and never rejects a request; configure({ userModel }) returns a subclass); src/auth/middleware_test.ts',
  },
  {
    path: A.staticFiles,
    packages: ['@alexi/staticfiles'],
    exports: [call('staticFilesMiddleware'), ref('StaticFilesMiddleware')],
    framework: 'Alexi',
    sets: [],
    needs: [],
    source:
      'src/staticfiles/middleware.ts (StaticFilesMiddleware.call answers requests under STATIC_URL from the static files and passes the others to the next layer; staticFilesMiddleware(options) returns a subclass); docs/staticfiles/staticfiles.md',
  },
];

/** Alexi's documented orderings that its documents agree on (see the table above). */
export const ALEXI_CONSTRAINTS: OrderConstraint[] = [
  {
    upper: A.cors,
    lower: A.auth,
    reason:
      "Alexi's documents put CORS above authentication: a browser sends the CORS preflight request without credentials, so the CORS layer must answer it before any layer looks for them",
    source: 'docs/middleware/middleware.md ("Order Matters"); src/auth/middleware.ts; src/create/templates/skills/alexi_middleware_skill_md.ts; docs/http/application.md',
  },
  {
    upper: A.logging,
    lower: A.auth,
    reason: "Alexi's documents put the logging middleware above authentication, so that every request is logged, including those that fail in the layers below it",
    source: 'src/auth/middleware.ts ("after logging/CORS middleware"); docs/middleware/middleware.md; docs/http/application.md',
  },
];
