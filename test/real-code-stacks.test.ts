import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { lintProject } from '../src/engine.js';
import { diskHost } from './helpers.js';

/*
 * Precision of the stack rules on real Express apps (issue 12). Express's own examples (auth,
 * session, cookie-sessions, cookies, route-separation, route-middleware, mvc, error-pages,
 * web-service, multi-router), passport's todos-express-password app with its routers and the csurf
 * README's apps were linted with the CLI. The cases here are our own code in the shapes met
 * there: each must stay silent, and each must still be judged: the same app with two registrations
 * swapped gets the report the swap deserves, so the silence is a judgement, not a blind spot.
 */

interface Case {
  name: string;
  files: Record<string, string>;
  /** The swap that breaks the first file's app, and the reports it must then get (`rule@line`). */
  broken: { from: string; to: string; expect: string[] };
}

const CASES: Case[] = [
  {
    name: 'a login app keeping its flash messages in the session (auth example)',
    files: {
      'app.js': `const express = require('express');
const session = require('express-session');
const app = module.exports = express();
app.use(express.urlencoded({ extended: false }));
app.use(session({ secret: 'x', resave: false, saveUninitialized: false }));
app.use(function (req, res, next) {
  const note = req.session.note;
  delete req.session.note;
  res.locals.note = note || '';
  next();
});
function restrict(req, res, next) {
  if (req.session.user) return next();
  req.session.note = 'Log in first';
  res.redirect('/login');
}
app.get('/private', restrict, function (req, res) { res.send('hello ' + req.session.user.name); });
app.post('/login', function (req, res, next) {
  check(req.body.name, req.body.password, function (err, user) {
    if (err) return next(err);
    req.session.regenerate(function () { req.session.user = user; res.redirect('/private'); });
  });
});
if (require.main === module) app.listen(3000);
`,
    },
    broken: {
      from: "app.use(session({ secret: 'x', resave: false, saveUninitialized: false }));\napp.use(function (req, res, next) {\n  const note = req.session.note;\n  delete req.session.note;\n  res.locals.note = note || '';\n  next();\n});\n",
      to: "app.use(function (req, res, next) {\n  const note = req.session.note;\n  delete req.session.note;\n  res.locals.note = note || '';\n  next();\n});\napp.use(session({ secret: 'x', resave: false, saveUninitialized: false }));\n",
      expect: ['app.js:middleware-order@5'],
    },
  },
  {
    name: 'a passport app whose routers live in their own modules (todos-express-password)',
    files: {
      'app.js': `const express = require('express');
const cookieParser = require('cookie-parser');
const session = require('express-session');
const passport = require('passport');
const indexRouter = require('./routes/index');
const authRouter = require('./routes/auth');
const app = express();
app.use(express.json());
app.use(express.urlencoded({ extended: false }));
app.use(cookieParser());
app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));
app.use(passport.authenticate('session'));
app.use('/', indexRouter);
app.use('/', authRouter);
app.use(function (err, req, res, next) {
  res.status(err.status || 500);
  res.render('error');
});
module.exports = app;
`,
      'routes/index.js': `const express = require('express');
const router = express.Router();
function loadItems(req, res, next) {
  store.list(req.user.id, function (err, items) {
    if (err) return next(err);
    res.locals.items = items;
    next();
  });
}
router.get('/', function (req, res, next) {
  if (!req.user) return res.render('home');
  next();
}, loadItems, function (req, res) {
  res.render('items', { user: req.user });
});
router.post('/', function (req, res, next) {
  req.body.title = req.body.title.trim();
  next();
}, function (req, res, next) {
  store.add(req.user.id, req.body.title, function (err) {
    if (err) return next(err);
    res.redirect('/');
  });
});
module.exports = router;
`,
      'routes/auth.js': `const express = require('express');
const passport = require('passport');
const router = express.Router();
router.post('/login/password', passport.authenticate('local', { successRedirect: '/', failureRedirect: '/login' }));
router.post('/logout', function (req, res, next) {
  req.logout(function (err) {
    if (err) return next(err);
    res.redirect('/');
  });
});
module.exports = router;
`,
    },
    broken: {
      from: "app.use(express.urlencoded({ extended: false }));\napp.use(cookieParser());\napp.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));\napp.use(passport.authenticate('session'));\napp.use('/', indexRouter);\n",
      to: "app.use(express.urlencoded({ extended: false }));\napp.use(cookieParser());\napp.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));\napp.use('/', indexRouter);\napp.use(passport.authenticate('session'));\n",
      // Every layer reading req.user is now above passport: the guard, loadItems and the page handler, the insert.
      expect: ['routes/index.js:middleware-order@10', 'routes/index.js:middleware-order@13', 'routes/index.js:middleware-order@13', 'routes/index.js:middleware-order@19'],
    },
  },
  {
    name: 'csurf in cookie mode on route level and on every path (csurf README)',
    files: {
      'app.js': `const express = require('express');
const cookieParser = require('cookie-parser');
const bodyParser = require('body-parser');
const csrf = require('csurf');
const app = express();
app.use(bodyParser.urlencoded({ extended: false }));
app.use(cookieParser());
app.use(csrf({ cookie: true }));
app.use(function (req, res, next) {
  res.locals.csrfToken = req.csrfToken();
  next();
});
app.use(function (err, req, res, next) {
  if (err.code !== 'EBADCSRFTOKEN') return next(err);
  res.status(403).send('form tampered with');
});
app.listen(3000);
`,
    },
    broken: { from: "app.use(cookieParser());\n", to: '', expect: ['app.js:required-middleware@7'] },
  },
  {
    name: 'route-level loaders setting req.user before the handlers that read it (route-middleware example)',
    files: {
      'app.js': `const express = require('express');
const app = express();
const people = [{ id: 0, name: 'ann', role: 'admin' }];
function loadPerson(req, res, next) {
  const person = people[req.params.id];
  if (!person) return next(new Error('no person ' + req.params.id));
  req.person = person;
  next();
}
function onlySelf(req, res, next) {
  if (req.me.id !== req.person.id) return next(new Error('Unauthorized'));
  next();
}
app.use(function (req, res, next) {
  req.me = people[0];
  next();
});
app.get('/people/:id', loadPerson, function (req, res) { res.send(req.person.name); });
app.get('/people/:id/edit', loadPerson, onlySelf, function (req, res) { res.send('editing ' + req.person.name); });
app.listen(3000);
`,
    },
    broken: {
      from: "app.use(function (req, res, next) {\n  req.me = people[0];\n  next();\n});\napp.get('/people/:id', loadPerson, function (req, res) { res.send(req.person.name); });\napp.get('/people/:id/edit', loadPerson, onlySelf, function (req, res) { res.send('editing ' + req.person.name); });\n",
      to: "app.get('/people/:id', loadPerson, function (req, res) { res.send(req.person.name); });\napp.get('/people/:id/edit', loadPerson, onlySelf, function (req, res) { res.send('editing ' + req.person.name); });\napp.use(function (req, res, next) {\n  req.me = people[0];\n  next();\n});\n",
      // onlySelf reads req.me, which the app.use below sets.
      expect: ['app.js:middleware-order@15'],
    },
  },
  {
    name: 'an access log reading req.user once the response is finished, above passport',
    files: {
      'app.js': `const express = require('express');
const session = require('express-session');
const passport = require('passport');
const app = express();
app.use(function accessLog(req, res, next) {
  const started = Date.now();
  res.on('finish', function () {
    console.log(req.method, req.originalUrl, res.statusCode, req.user ? req.user.id : '-', Date.now() - started);
  });
  next();
});
app.use(session({ secret: 's', resave: false, saveUninitialized: false }));
app.use(passport.session());
app.get('/me', (req, res) => res.json(req.user));
app.listen(3000);
`,
    },
    broken: {
      from: "app.use(session({ secret: 's', resave: false, saveUninitialized: false }));\napp.use(passport.session());\n",
      to: "app.use(passport.session());\napp.use(session({ secret: 's', resave: false, saveUninitialized: false }));\n",
      expect: ['app.js:middleware-order@12'],
    },
  },
  {
    name: 'the cors README: preflight routes, route-level cors() and a raw-body webhook above express.json()',
    files: {
      'app.js': `const express = require('express');
const cors = require('cors');
const app = express();
app.options('/products/:id', cors());
app.get('/products/:id', cors({ origin: 'http://example.com' }), function (req, res, next) {
  res.json({ msg: 'CORS-enabled for example.com' });
});
app.options('*', cors());
app.use(cors());
app.post('/webhook', express.raw({ type: 'application/json' }), (req, res) => {
  res.send(verify(req.body, req.headers['stripe-signature']));
});
app.use(express.json());
app.post('/api/things', (req, res) => res.json(req.body));
app.listen(80);
`,
    },
    broken: { from: "app.post('/webhook', express.raw({ type: 'application/json' }), (req, res) => {", to: "app.post('/webhook', (req, res) => {", expect: ['app.js:middleware-order@10'] },
  },
];

const ROOT = '/virtual/real-stacks';

function reportsOf(files: Record<string, string>, name: string): string[] {
  const inputs = Object.entries(files).map(([path, text]) => ({ path: `${ROOT}/${name}/${path}`, text }));
  const { results } = lintProject(inputs, { config: defaultConfig(), host: diskHost });
  return results.flatMap((r) =>
    r.diagnostics.map((d) => {
      const text = inputs.find((i) => i.path === r.filePath)!.text;
      return `${r.filePath.slice(`${ROOT}/${name}/`.length)}:${d.ruleId?.replace('onion/', '')}@${text.slice(0, d.range.start).split('\n').length}`;
    }),
  );
}

describe('real Express app shapes: the stack rules stay silent on correct apps and judge them', () => {
  CASES.forEach((c, i) => {
    it(`${c.name}: no report; the broken variant gets its report`, () => {
      expect(reportsOf(c.files, `case${i}`)).toEqual([]);
      const [first] = Object.keys(c.files);
      const text = c.files[first!]!;
      expect(text.includes(c.broken.from)).toBe(true);
      expect(reportsOf({ ...c.files, [first!]: text.replace(c.broken.from, c.broken.to) }, `case${i}`).sort()).toEqual([...c.broken.expect].sort());
    });
  });
});

describe('an Express app that its module exports and never starts may be a sub-app mounted elsewhere', () => {
  const account = `const express = require('express');
const passport = require('passport');
const account = express();
account.use(passport.session());
account.get('/', function (req, res, next) {
  if (!req.user) return next();
  res.json(req.user);
});
module.exports = account;
`;
  const server = `const express = require('express');
const session = require('express-session');
const app = express();
app.use(function (req, res, next) { res.set('x-app', '1'); next(); });
app.use(session({ secret: 's', resave: false, saveUninitialized: false }));
app.use('/account', require('./account'));
app.listen(3000);
`;

  it('linted alone, or with a server mounting it through an inline require, it gets no required-middleware report', () => {
    expect(reportsOf({ 'account.js': account }, 'sub1')).toEqual([]);
    expect(reportsOf({ 'server.js': server, 'account.js': account }, 'sub2')).toEqual([]);
  });

  it('an app the function creating it returns may be mounted by its caller: no required-middleware report', () => {
    const factory = `import express from 'express';\nimport passport from 'passport';\nexport function createAccount() {\n  const account = express();\n  account.use(passport.session());\n  account.use((req, res, next) => { res.locals.user = req.user; next(); });\n  return account;\n}\n`;
    expect(reportsOf({ 'account.ts': factory }, 'sub5')).toEqual([]);
    // Started where it is made: the top of a server.
    expect(reportsOf({ 'account.ts': factory.replace('  return account;\n', '  account.listen(3000);\n  return account;\n') }, 'sub6')).toEqual(['account.ts:required-middleware@5']);
  });

  it('an app its module starts (app.listen) is the top of a server: it is judged', () => {
    const started = account.replace('module.exports = account;\n', "module.exports = account;\nif (require.main === module) account.listen(3000);\n");
    expect(reportsOf({ 'account.js': started }, 'sub3')).toEqual(['account.js:required-middleware@4']);
    // Not exported: nothing else can mount it.
    expect(reportsOf({ 'account.js': account.replace('module.exports = account;\n', '') }, 'sub4')).toEqual(['account.js:required-middleware@4']);
  });
});

describe('a variable holding a package middleware is that package (`const sessionMiddleware = session({...})`)', () => {
  const head = "const express = require('express');\nconst session = require('express-session');\nconst passport = require('passport');\nconst app = express();\n";

  it('is ordered and counted like the call itself', () => {
    const shared = `${head}const sessionMiddleware = session({ secret: 's' });\napp.use((req, res, next) => next());\napp.use(passport.session());\napp.use(sessionMiddleware);\napp.listen(3000);\n`;
    expect(reportsOf({ 'app.js': shared }, 'var1')).toEqual(['app.js:middleware-order@7']);
    const twice = `${head}const sessionMiddleware = session({ secret: 's' });\napp.use((req, res, next) => next());\napp.use(sessionMiddleware);\napp.use(sessionMiddleware);\napp.listen(3000);\n`;
    expect(reportsOf({ 'app.js': twice }, 'var2')).toEqual(['app.js:no-duplicate-middleware@8']);
  });

  it('two variables holding differently configured sessions are no duplicate', () => {
    const two = `${head}const a = session({ name: 'a.sid', secret: 'a' });\nconst b = session({ name: 'b.sid', secret: 'b' });\napp.use((req, res, next) => next());\napp.use(a);\napp.use(b);\napp.listen(3000);\n`;
    expect(reportsOf({ 'app.js': two }, 'var3')).toEqual([]);
  });
});
