/**
 * What onionlint knows about the Node ecosystem's middleware without analysing them (issue 12):
 * for each package's middleware, how a registration names it, what it sets on and reads from the
 * request before calling the next layer, the documented ordering constraints between packages, and
 * the presence requirements (`passport.session()` needs a session middleware). Data only, with a
 * source note per entry (NODE.md §4 lists the documented constraints and their failures).
 *
 * Request attributes are named as the handler reads them from its first parameter: Express/Connect
 * `req.session` is `session`, `req.body` is `body`; Koa `ctx.session` is `session`,
 * `ctx.request.body` is `request.body`, `ctx.state.user` is `state.user`; Hono context variables
 * (`c.set('jwtPayload', ...)`, read as `c.get('jwtPayload')` or `c.var.jwtPayload`) are
 * `var.jwtPayload`.
 *
 * Precision first: an attribute is listed in `sets`/`needs` only when the package sets or reads it
 * on every request whatever its options; what depends on options (csurf's `cookie`, passport's
 * `session: false`, koa-session's `store`) is left out, and docs/dev/node-knowledge.md says what was
 * not recorded and why.
 */
import type { Framework } from '../model.js';

/** How a registration names a package's middleware. */
export interface NodeExport {
  /** The package as an import or `require` writes it (a `npm:` prefix and a version are ignored): `express-session`, `hono/logger`. */
  package: string;
  /**
   * The member reached from the module: `''` for the module's default export or the module itself
   * (`session(...)` with `import session from 'express-session'` or `require('express-session')`);
   * `session` for `passport.session()` (a member of the default import) or a named import `{ session }`;
   * `json` for `express.json()` and `import { json } from 'express'`.
   */
  member: string;
  /** `call`: the registration calls it (`session({...})`); `reference`: it is registered as it is (`connect-flash`'s default is called: `flash()`). */
  form: 'call' | 'reference';
  /**
   * The middleware is a member of what the export returns, not the export's result itself:
   * `upload.single('avatar')` after `const upload = multer(opts)` (or `multer(opts).single('avatar')`)
   * is `{ package: 'multer', member: '', form: 'call', result: { member: 'single', form: 'call' } }`;
   * `const { doubleCsrfProtection } = doubleCsrf(opts)` then `app.use(doubleCsrfProtection)` is
   * `{ package: 'csrf-csrf', member: 'doubleCsrf', form: 'call', result: { member: 'doubleCsrfProtection', form: 'reference' } }`.
   */
  result?: { member: string; form: 'call' | 'reference' };
}

export interface NodeMiddleware {
  /** Stable id, used by constraints and requirements: `express-session`, `passport.session`, `express.json`. */
  id: string;
  /** How messages name it: `session()` (express-session), `passport.session()`, `express.json()`. */
  label: string;
  /** The frameworks whose stacks it is registered on. */
  frameworks: Framework[];
  exports: NodeExport[];
  /** Request attributes it sets before calling the next layer. */
  sets: string[];
  /** Request attributes it reads before calling the next layer (set by a layer above it). */
  needs: string[];
  /**
   * Capabilities it provides, for requirements and constraints that any of several packages meet:
   * `session` (express-session, cookie-session, koa-session), `body` (every body parser), `cookies`.
   */
  provides?: string[];
  /** Needs that hold only for some versions of a package, read from the nearest package.json (semver range). */
  versionNeeds?: Array<{ package: string; range: string; needs: string[] }>;
  /** It handles errors (four parameters in Express): it belongs below the routes. */
  errorHandler?: boolean;
  /** The runtime failure when a need is not met, verbatim where the package throws it. */
  failure?: string;
  /** Where the facts come from: the package's README or source file. */
  source: string;
}

/**
 * `upper` (an id or a capability) must be registered above `lower` (an id) on the paths `lower`
 * serves; `reason` says what breaks otherwise. `when`: only for these versions of a package.
 */
export interface NodeOrderConstraint {
  upper: string;
  lower: string;
  reason: string;
  source: string;
  when?: { package: string; range: string };
}

/** A middleware that needs another in the stack at all: `passport.session()` and a session middleware. */
export interface NodeRequirement {
  /** The id of the middleware that needs it. */
  id: string;
  /** Ids or capabilities, any of which meets it. */
  anyOf: string[];
  /** What happens at run time without it (the package's error text where there is one). */
  message: string;
  source: string;
}


/** Express, Connect and NestJS (`app.use()` in the bootstrap, `consumer.apply()`) run Connect-style middleware alike. */
const CONNECT: Framework[] = ['express', 'connect', 'nest'];
const KOA: Framework[] = ['koa'];
const HONO: Framework[] = ['hono'];

/** passport's error when `req.session` is missing (0.5.1 and later; koa-passport 5+ runs passport 0.6). */
const LOGIN_SESSIONS = 'Error: Login sessions require session support. Did you forget to use `express-session` middleware?';

const call = (pkg: string, member = ''): NodeExport => ({ package: pkg, member, form: 'call' });

/** A middleware whose facts are its package, how it is named, and what it sets (most set nothing the next layers read). */
function entry(id: string, label: string, frameworks: Framework[], exports: NodeExport[], source: string, sets: string[] = []): NodeMiddleware {
  return { id, label, frameworks, exports, sets, needs: [], source };
}

const BODY_PARSER = 'expressjs/body-parser README.md ("API": each parser populates req.body)';

/** body-parser's `bodyParser.<type>()` and Express's `express.<type>()`, which lib/express.js re-exports from body-parser (4.16+; `raw`/`text` 4.17+). */
function bodyParsers(type: 'json' | 'urlencoded' | 'raw' | 'text'): NodeMiddleware[] {
  return [
    { ...entry(`body-parser.${type}`, `bodyParser.${type}()`, CONNECT, [call('body-parser', type)], `${BODY_PARSER}, bodyParser.${type}()`, ['body']), provides: ['body'] },
    { ...entry(`express.${type}`, `express.${type}()`, CONNECT, [call('express', type)], `expressjs/express lib/express.js (exports.${type} = bodyParser.${type}); ${BODY_PARSER}`, ['body']), provides: ['body'] },
  ];
}

const MULTER = 'expressjs/multer README.md ("Usage": multer adds req.body and req.file or req.files; "API")';

/** `upload.<method>(...)` on the instance `multer(opts)` returns. */
function multer(method: 'single' | 'array' | 'fields' | 'any' | 'none', files: string[]): NodeMiddleware {
  const exports: NodeExport[] = [{ ...call('multer'), result: { member: method, form: 'call' } }];
  return { ...entry(`multer.${method}`, `upload.${method}()`, CONNECT, exports, `${MULTER}, .${method}()`, [...files, 'body']), provides: ['body'] };
}

/** Hono's built-in middleware: `import { <member> } from 'hono/<module>'`, called with its options. */
function hono(module: string, member: string, sets: string[] = [], note = ''): NodeMiddleware {
  return entry(`hono/${module}`, `${member}()`, HONO, [call(`hono/${module}`, member)], `honojs/hono src/middleware/${module}/${note}`, sets);
}

const PASSPORT_README = 'jaredhanson/passport README.md ("Middleware": static, cookie-parser, body-parser, express-session, initialize(), session())';
const KOA_PASSPORT = 'rkusa/koa-passport README.md ("Usage"; ctx.state.user) and lib/framework/koa.js';

export const NODE_MIDDLEWARE: NodeMiddleware[] = [
  // Sessions and cookies
  {
    id: 'express-session',
    label: 'session()',
    frameworks: CONNECT,
    exports: [call('express-session')],
    sets: ['session', 'sessionID', 'sessionStore'],
    needs: [],
    provides: ['session'],
    source: 'expressjs/session README.md ("req.session"); index.js sets req.sessionStore, req.sessionID and req.session before next()',
  },
  {
    ...entry('cookie-session', 'cookieSession()', CONNECT, [call('cookie-session')], 'expressjs/cookie-session README.md ("req.session", "req.sessionOptions"); index.js defines req.session and req.sessionOptions before next()', ['session', 'sessionOptions']),
    provides: ['session'],
  },
  {
    ...entry('cookie-parser', 'cookieParser()', CONNECT, [call('cookie-parser')], 'expressjs/cookie-parser README.md ("cookieParser(secret, options)"); index.js sets req.secret, req.cookies and req.signedCookies before next()', ['cookies', 'signedCookies', 'secret']),
    provides: ['cookies'],
  },
  // Passport
  entry('passport.initialize', 'passport.initialize()', CONNECT, [call('passport', 'initialize')], `${PASSPORT_README}; lib/middleware/initialize.js`),
  {
    id: 'passport.session',
    label: 'passport.session()',
    frameworks: CONNECT,
    exports: [call('passport', 'session')],
    sets: ['user'],
    needs: ['session'],
    failure: LOGIN_SESSIONS,
    source: `${PASSPORT_README}; lib/strategies/session.js and lib/sessionmanager.js (0.5.1+) fail when req.session is missing, and set req.user from the session`,
  },
  entry('passport.authenticate', 'passport.authenticate()', CONNECT, [call('passport', 'authenticate')], 'jaredhanson/passport README.md ("Authenticate Requests"); lib/middleware/authenticate.js (a successful authentication logs the user in, req.user, before next())', ['user']),
  entry('passport.authorize', 'passport.authorize()', CONNECT, [call('passport', 'authorize')], 'jaredhanson/passport lib/authenticator.js (authorize(): "the result provided by the strategy\'s verify callback will be assigned to req.account")', ['account']),
  // Body parsers
  ...bodyParsers('json'),
  ...bodyParsers('urlencoded'),
  ...bodyParsers('raw'),
  ...bodyParsers('text'),
  { ...entry('body-parser', 'bodyParser()', CONNECT, [call('body-parser')], `${BODY_PARSER}; HISTORY.md 1.4.0 deprecates the bare bodyParser() (json and urlencoded together)`, ['body']), provides: ['body'] },
  multer('single', ['file']),
  multer('array', ['files']),
  multer('fields', ['files']),
  multer('any', ['files']),
  multer('none', []),
  // CSRF, flash
  entry('csurf', 'csurf()', CONNECT, [call('csurf')], 'expressjs/csurf README.md ("csurf([options])": adds req.csrfToken()); index.js. Deprecated and archived', ['csrfToken']),
  {
    id: 'csrf-csrf',
    label: 'doubleCsrfProtection',
    frameworks: CONNECT,
    exports: [{ ...call('csrf-csrf', 'doubleCsrf'), result: { member: 'doubleCsrfProtection', form: 'reference' } }],
    sets: ['csrfToken'],
    needs: ['cookies'],
    failure: "TypeError: Cannot read properties of undefined (reading '__Host-psifi.x-csrf-token'): the token cookie is read from req.cookies (req.signedCookies when signed), which cookie-parser sets",
    source: 'Psifi-Solutions/csrf-csrf README.md ("Getting Started": cookie-parser registered before doubleCsrfProtection; req.csrfToken); src/index.ts (getCsrfCookieFromRequest reads req.cookies[cookieName])',
  },
  entry('connect-flash', 'flash()', CONNECT, [call('connect-flash')], 'jaredhanson/connect-flash README.md ("Usage": flash messages are stored in the session); lib/flash.js sets req.flash', ['flash']),
  // Headers, logging, limits, static files, errors: nothing the next layers read
  entry('helmet', 'helmet()', CONNECT, [call('helmet')], 'helmetjs/helmet README.md (sets response headers only)'),
  entry('cors', 'cors()', CONNECT, [call('cors')], 'expressjs/cors README.md (sets response headers; answers preflight requests)'),
  entry('compression', 'compression()', CONNECT, [call('compression')], 'expressjs/compression README.md (compresses response bodies; res.flush())'),
  entry('morgan', 'morgan()', CONNECT, [call('morgan')], 'expressjs/morgan README.md (logs requests)'),
  entry('express-rate-limit', 'rateLimit()', CONNECT, [call('express-rate-limit'), call('express-rate-limit', 'rateLimit')], 'express-rate-limit/express-rate-limit readme.md ("Importing"; "requestPropertyName": rate limit info on req.rateLimit by default)', ['rateLimit']),
  entry('method-override', 'methodOverride()', CONNECT, [call('method-override')], 'expressjs/method-override README.md ("methodOverride(getter, options)"); index.js sets req.originalMethod and may replace req.method', ['originalMethod']),
  entry('serve-static', 'serveStatic()', CONNECT, [call('serve-static')], 'expressjs/serve-static README.md (serves files, otherwise calls next())'),
  entry('express.static', 'express.static()', CONNECT, [call('express', 'static')], 'expressjs/express lib/express.js (exports.static = serve-static); expressjs/serve-static README.md'),
  { ...entry('errorhandler', 'errorhandler()', CONNECT, [call('errorhandler')], 'expressjs/errorhandler README.md ("Development-only error handler middleware"; "errorhandler(options)")'), errorHandler: true },
  // Koa
  {
    ...entry('koa-session', 'session()', KOA, [call('koa-session')], 'koajs/session Readme.md; index.js defines ctx.session on app.context when session(opts, app) is called, so it is not set per request by the middleware (see docs/dev/node-knowledge.md)'),
    provides: ['session'],
  },
  { ...entry('koa-bodyparser', 'bodyParser()', KOA, [call('koa-bodyparser')], 'koajs/bodyparser index.js (koa-bodyparser): sets ctx.request.body and ctx.request.rawBody before next()', ['request.body', 'request.rawBody']), provides: ['body'] },
  {
    ...entry('@koa/bodyparser', 'bodyParser()', KOA, [call('@koa/bodyparser'), call('@koa/bodyparser', 'bodyParser')], 'koajs/bodyparser src/index.ts (bodyParser, default) and src/body-parser.ts: sets ctx.request.body and ctx.request.rawBody before next() (POST, PUT, PATCH by default)', ['request.body', 'request.rawBody']),
    provides: ['body'],
  },
  entry('koa-passport.initialize', 'passport.initialize()', KOA, [call('koa-passport', 'initialize')], `${KOA_PASSPORT} (initialize sets ctx.login/logIn, ctx.logout/logOut, ctx.isAuthenticated, ctx.isUnauthenticated)`, ['login', 'logIn', 'logout', 'logOut', 'isAuthenticated', 'isUnauthenticated']),
  entry('koa-passport.session', 'passport.session()', KOA, [call('koa-passport', 'session')], `${KOA_PASSPORT}; lib/framework/request.js delegates req.session to ctx.session for passport's session strategy`, ['state.user']),
  entry('koa-passport.authenticate', 'passport.authenticate()', KOA, [call('koa-passport', 'authenticate')], KOA_PASSPORT, ['state.user']),
  entry('koa-passport.authorize', 'passport.authorize()', KOA, [call('koa-passport', 'authorize')], `${KOA_PASSPORT} (authorize: assignProperty 'account', kept on ctx.state since 3.0.0, CHANGELOG.md)`, ['state.account']),
  entry('@koa/cors', 'cors()', KOA, [call('@koa/cors')], 'koajs/cors README.md (sets response headers)'),
  entry('koa-helmet', 'helmet()', KOA, [call('koa-helmet')], 'venables/koa-helmet README.md (helmet\'s response headers for Koa)'),
  entry('koa-static', 'serve()', KOA, [call('koa-static')], 'koajs/static README.md (serves files)'),
  // Hono's built-in middleware
  hono('logger', 'logger'),
  hono('cors', 'cors'),
  hono('csrf', 'csrf'),
  hono('secure-headers', 'secureHeaders'),
  hono('basic-auth', 'basicAuth'),
  hono('bearer-auth', 'bearerAuth'),
  hono('jwt', 'jwt', ['var.jwtPayload'], 'jwt.ts (ctx.set(\'jwtPayload\', payload) before next(); read as c.get(\'jwtPayload\'))'),
  hono('jwk', 'jwk', ['var.jwtPayload'], 'jwk.ts (ctx.set(\'jwtPayload\', payload) before next(); with allow_anon a request without a token passes unset)'),
  hono('etag', 'etag'),
  hono('compress', 'compress'),
  hono('body-limit', 'bodyLimit'),
  hono('timing', 'timing', ['var.metric'], 'timing.ts (c.set(\'metric\', ...) before next(); TimingVariables; setMetric/startTime/endTime read it)'),
  hono('request-id', 'requestId', ['var.requestId'], 'request-id.ts (c.set(\'requestId\', ...) before next(); RequestIdVariables)'),
  hono('context-storage', 'contextStorage'),
];

export const NODE_CONSTRAINTS: NodeOrderConstraint[] = [
  {
    upper: 'session',
    lower: 'passport.initialize',
    reason: 'before passport 0.5.1, passport.initialize() loads the login state from req.session: a session middleware below it leaves the user logged out',
    source: 'jaredhanson/passport lib/middleware/initialize.js before 0.5.1 ("we must use the connect.session() middleware _before_ passport.initialize()"); CHANGELOG.md 0.5.1',
    when: { package: 'passport', range: '<0.5.1' },
  },
  {
    upper: 'passport.initialize',
    lower: 'passport.session',
    reason: 'before passport 0.6, passport.initialize() is required above passport.session() (before 0.5.1 the session strategy fails with "passport.initialize() middleware not in use")',
    source: 'jaredhanson/passport lib/authenticator.js (initialize(): "As of v0.6.x, it is typically no longer necessary to use this middleware"); lib/strategies/session.js before 0.5.1',
    when: { package: 'passport', range: '<0.6.0' },
  },
  {
    upper: 'method-override',
    lower: 'csurf',
    reason: 'method-override must be used before any module that needs to know the request method, "for example, it must be used prior to the csurf module"',
    source: 'expressjs/method-override README.md ("API" note)',
  },
  {
    upper: 'koa-passport.initialize',
    lower: 'koa-passport.session',
    reason: 'koa-passport before 5 runs passport 0.4 or older, whose session strategy fails with "passport.initialize() middleware not in use" without passport.initialize() above it',
    source: 'rkusa/koa-passport README.md (version table: 4.x runs passport 0.4; "Usage" order); CHANGELOG.md 4.0.0',
    when: { package: 'koa-passport', range: '<5.0.0' },
  },
];

export const NODE_REQUIREMENTS: NodeRequirement[] = [
  { id: 'passport.session', anyOf: ['session'], message: LOGIN_SESSIONS, source: `${PASSPORT_README}; lib/strategies/session.js (0.5.1+)` },
  {
    id: 'connect-flash',
    anyOf: ['session'],
    message: 'Error: req.flash() requires sessions (thrown by the first req.flash() call)',
    source: 'jaredhanson/connect-flash README.md ("Usage": "Flash messages are stored in the session"); lib/flash.js',
  },
  {
    id: 'csurf',
    anyOf: ['session', 'cookies'],
    message: 'Error: misconfigured csrf (500): csurf keeps its secret in req.session, or in req.cookies with the `cookie` option',
    source: 'expressjs/csurf README.md ("Requires either a session middleware or cookie-parser to be initialized first"); index.js getSecret()',
  },
  {
    id: 'csrf-csrf',
    anyOf: ['cookies'],
    message: 'every protected request fails: doubleCsrfProtection reads its token cookie from req.cookies, which cookie-parser sets',
    source: 'Psifi-Solutions/csrf-csrf README.md ("Getting Started": cookie-parser registered before doubleCsrfProtection)',
  },
  {
    id: 'koa-passport.session',
    anyOf: ['session'],
    message: `${LOGIN_SESSIONS} (koa-passport 5+, through ctx.session)`,
    source: `${KOA_PASSPORT}; lib/framework/request.js (req.session is ctx.session); jaredhanson/passport lib/strategies/session.js`,
  },
];
