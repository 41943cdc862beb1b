/**
 * What onionlint knows about the Node ecosystem's middleware without analysing them (issue 12):
 * for each package's middleware, how a registration names it, what it sets on and reads from the
 * request before calling the next layer, the documented ordering constraints between packages, and
 * the presence requirements (`passport.session()` needs a session middleware). Data only, with a
 * source note per entry (NODE.md §4 lists the documented constraints and their failures).
 *
 * Request attributes are named as the handler reads them from its first parameter: Express/Connect
 * `req.session` is `session`, `req.body` is `body`; Koa `ctx.session` is `session`,
 * `ctx.request.body` is `request.body`, `ctx.state.user` is `state.user`.
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

export const NODE_MIDDLEWARE: NodeMiddleware[] = [
  {
    id: 'express-session',
    label: 'session()',
    frameworks: ['express', 'connect', 'nest'],
    exports: [{ package: 'express-session', member: '', form: 'call' }],
    sets: ['session', 'sessionID', 'sessionStore'],
    needs: [],
    provides: ['session'],
    source: 'expressjs/session README.md ("req.session"); index.js sets req.sessionStore, req.sessionID and req.session before next()',
  },
  {
    id: 'passport.session',
    label: 'passport.session()',
    frameworks: ['express', 'connect', 'nest'],
    exports: [{ package: 'passport', member: 'session', form: 'call' }],
    sets: ['user'],
    needs: ['session'],
    failure: 'Error: Login sessions require session support. Did you forget to use `express-session` middleware?',
    source: 'jaredhanson/passport README.md ("Sessions"); lib/strategies/session.js and lib/sessionmanager.js (0.5.1+) throw when req.session is missing',
  },
];

export const NODE_CONSTRAINTS: NodeOrderConstraint[] = [];

export const NODE_REQUIREMENTS: NodeRequirement[] = [];
