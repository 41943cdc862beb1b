// Generates a synthetic TypeScript project: ordinary code (services, utilities, types, React-free
// components) with about 5% Django-style middleware (correct ones and a few with mistakes) and a
// settings file, and about 5% Node handler modules (Koa, Hono and Express routers with their
// middleware, a few with mistakes) mounted by one app file per framework.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const service = (i, r) => `import { Repository } from '../lib/repository${i % 10}';
import type { Entity${i % 7} } from '../types/entity${i % 7}';

export interface Service${i}Options {
  retries: number;
  timeoutMs: number;
  label?: string;
}

/** Service ${i}: loads, validates and stores entities. */
export class Service${i} {
  private readonly cache = new Map<string, Entity${i % 7}>();
  constructor(private readonly repo: Repository, private readonly options: Service${i}Options) {}

  async load(id: string): Promise<Entity${i % 7} | undefined> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    for (let attempt = 0; attempt < this.options.retries; attempt++) {
      try {
        const found = await this.repo.find(id);
        if (found) {
          this.cache.set(id, found as Entity${i % 7});
          return found as Entity${i % 7};
        }
      } catch (error) {
        if (attempt === this.options.retries - 1) throw error;
      }
    }
    return undefined;
  }

  summarize(items: Entity${i % 7}[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const item of items) {
      const key = String((item as { kind?: string }).kind ?? 'unknown');
      out[key] = (out[key] ?? 0) + ${Math.floor(r() * 9) + 1};
    }
    return out;
  }
}
`;

const util = (i, r) => `export function clamp${i}(value: number, low = ${Math.floor(r() * 10)}, high = ${100 + Math.floor(r() * 100)}): number {
  return Math.min(high, Math.max(low, value));
}

export const format${i} = (parts: string[], sep = ', '): string =>
  parts.filter((p) => p.trim().length > 0).map((p) => p.trim()).join(sep);

export function chunk${i}<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function parseQuery${i}(query: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const pair of query.replace(/^\\?/, '').split('&')) {
    if (!pair) continue;
    const [key, value = ''] = pair.split('=');
    result.set(decodeURIComponent(key!), decodeURIComponent(value));
  }
  return result;
}
`;

const types = (i) => `export type Id${i} = string & { readonly brand: 'Id${i}' };

export interface Entity${i} {
  id: Id${i};
  kind: 'a' | 'b' | 'c';
  createdAt: Date;
  tags: string[];
  meta?: Record<string, unknown>;
}

export enum Status${i} {
  Active = 'active',
  Disabled = 'disabled',
}
`;

const middleware = (i, r) => {
  const shape = Math.floor(r() * 6);
  const head = `import { HttpResponse, type HttpRequest } from '../http';

type GetResponse = (request: HttpRequest) => Promise<HttpResponse>;
`;
  switch (shape) {
    case 0:
      return head + `export class Timing${i}Middleware {
  constructor(private readonly getResponse: GetResponse) {}

  async call(request: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const response = await this.getResponse(request);
    response.headers.set('Server-Timing', \`app;dur=\${Date.now() - started}\`);
    return response;
  }
}
`;
    case 1:
      return head + `export class Guard${i}Middleware {
  constructor(private readonly getResponse: GetResponse) {}

  async call(request: HttpRequest): Promise<HttpResponse> {
    if (!request.user) return new HttpResponse('forbidden', { status: 403 });
    return this.getResponse(request);
  }
}
`;
    case 2:
      return head + `export function header${i}Middleware(getResponse: GetResponse) {
  return async (request: HttpRequest) => {
    const response = await getResponse(request);
    response.headers.set('X-Layer', '${i}');
    return response;
  };
}
`;
    case 3:
      // A classic mistake: the response is never returned.
      return head + `export class PoweredBy${i}Middleware {
  constructor(private readonly getResponse: GetResponse) {}

  async call(request: HttpRequest) {
    const response = await this.getResponse(request);
    response.headers.set('X-Powered-By', 'onion');
  }
}
`;
    case 4:
      return head + `export class Audit${i}Middleware {
  constructor(private readonly getResponse: GetResponse) {}

  async call(request: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.getResponse(request);
    } finally {
      console.log('audited', request.path);
    }
  }

  processView(request: HttpRequest) {
    return null;
  }
}
`;
    default:
      return head + `export class Locale${i}Middleware {
  constructor(private readonly getResponse: GetResponse) {}

  async call(request: HttpRequest): Promise<HttpResponse> {
    const lang = request.headers.get('accept-language') ?? 'en';
    switch (lang.slice(0, 2)) {
      case 'fr':
        request.locale = 'fr';
        break;
      default:
        request.locale = 'en';
    }
    return this.getResponse(request);
  }
}
`;
  }
};

// Node handler modules: a router of one framework with its middleware and route handlers, in the
// shapes of real apps; about one module in six holds a mistake (a dropped or doubled `next()`,
// a response then `next()`).
const koaRoutes = (i, r) => {
  const mistake = r() < 1 / 6 ? Math.floor(r() * 2) : -1;
  const middleware =
    mistake === 0
      ? `router.use(async (ctx, next) => {
  const started = Date.now();
  next();
  ctx.set('X-Response-Time', \`\${Date.now() - started}ms\`);
});`
      : mistake === 1
        ? `router.use(async (ctx, next) => {
  if (ctx.method === 'GET') {
    await next();
    ctx.set('Cache-Control', 'max-age=${30 + i % 60}');
  }
  await next();
});`
        : `router.use(async (ctx, next) => {
  if (!ctx.state.user) {
    ctx.status = 401;
    ctx.body = { error: 'sign in first' };
    return;
  }
  await next();
  ctx.set('X-Route', 'koa${i}');
});`;
  return `import Router from '@koa/router';
import type { Context } from 'koa';
import { Service${i % 50} } from '../services/shared${i % 50}';

export const router${i} = new Router({ prefix: '/koa${i}' });

${middleware}

router${i}.get('/', async (ctx: Context) => {
  ctx.body = await Service${i % 50}.list(Number(ctx.query.page ?? 1));
});

router${i}.get('/:id', async (ctx: Context) => {
  const item = await Service${i % 50}.get(String(ctx.params.id));
  if (!item) ctx.throw(404, 'not found');
  ctx.body = item;
});

router${i}.post('/', async (ctx: Context) => {
  ctx.status = 201;
  ctx.body = await Service${i % 50}.create(ctx.request.body as Record<string, unknown>);
});
`.replace(/^router\.use/m, `router${i}.use`);
};

const honoRoutes = (i, r) => {
  const mistake = r() < 1 / 6 ? Math.floor(r() * 2) : -1;
  const middleware =
    mistake === 0
      ? `export const timing${i} = createMiddleware(async (c, next) => {
  const started = performance.now();
  next();
  c.header('Server-Timing', \`app;dur=\${performance.now() - started}\`);
});`
      : mistake === 1
        ? `export const etag${i}: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'GET') {
    await next();
    c.header('ETag', '"v${i}"');
  }
  await next();
};`
        : `export const apiKey${i} = createMiddleware(async (c, next) => {
  const key = c.req.header('X-Api-Key');
  if (!key) return c.json({ error: 'an API key is required' }, 401);
  await next();
  c.header('X-Route', 'hono${i}');
});`;
  const name = mistake === 0 ? `timing${i}` : mistake === 1 ? `etag${i}` : `apiKey${i}`;
  return `import { Hono, type MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { Service${i % 50} } from '../services/shared${i % 50}';

${middleware}

export const routes${i} = new Hono();

routes${i}.use('*', ${name});

routes${i}.get('/', async (c) => c.json(await Service${i % 50}.list(Number(c.req.query('page') ?? 1))));

routes${i}.get('/:id', async (c) => {
  const item = await Service${i % 50}.get(c.req.param('id'));
  return item ? c.json(item) : c.json({ error: 'not found' }, 404);
});

routes${i}.post('/', async (c) => c.json(await Service${i % 50}.create(await c.req.json()), 201));
`;
};

const expressRoutes = (i, r) => {
  const mistake = r() < 1 / 6;
  const middleware = mistake
    ? `router${i}.use((req: Request, res: Response, next: NextFunction) => {
  if (!req.headers.authorization) {
    res.status(401).json({ error: 'sign in first' });
  }
  next();
});`
    : `router${i}.use((req: Request, res: Response, next: NextFunction) => {
  if (!req.headers.authorization) {
    res.status(401).json({ error: 'sign in first' });
    return;
  }
  res.setHeader('X-Route', 'express${i}');
  next();
});`;
  return `import express, { type NextFunction, type Request, type Response } from 'express';
import { Service${i % 50} } from '../services/shared${i % 50}';

export const router${i} = express.Router();

${middleware}

router${i}.get('/', async (req: Request, res: Response, next: NextFunction) => {
  try {
    res.json(await Service${i % 50}.list(Number(req.query.page ?? 1)));
  } catch (err) {
    next(err);
  }
});

router${i}.get('/:id', async (req: Request, res: Response) => {
  const item = await Service${i % 50}.get(req.params.id!);
  if (!item) {
    res.status(404).json({ error: 'not found' });
    return;
  }
  res.json(item);
});
`;
};

/** The app file of each framework: middleware defined and registered in the file, then the route modules mounted. */
const koaApp = (mods) => `import Koa from 'koa';
${mods.map((i) => `import { router${i} } from '../routes/koa${i}';`).join('\n')}

export const app = new Koa();

async function errors(ctx: Koa.Context, next: Koa.Next) {
  try {
    await next();
  } catch (err) {
    ctx.status = (err as { status?: number }).status ?? 500;
    ctx.body = { error: (err as Error).message };
    ctx.app.emit('error', err, ctx);
  }
}

async function requestId(ctx: Koa.Context, next: Koa.Next) {
  ctx.state.requestId = ctx.get('X-Request-Id') || crypto.randomUUID();
  await next();
  ctx.set('X-Request-Id', ctx.state.requestId);
}

app.use(errors);
app.use(requestId);
${mods.map((i) => `app.use(router${i}.routes()).use(router${i}.allowedMethods());`).join('\n')}
`;

const honoApp = (mods) => `import { Hono } from 'hono';
${mods.map((i) => `import { routes${i} } from '../routes/hono${i}';`).join('\n')}

export const app = new Hono();

app.use('*', async (c, next) => {
  const started = Date.now();
  await next();
  c.header('X-Response-Time', \`\${Date.now() - started}ms\`);
});

app.onError((err, c) => c.json({ error: err.message }, 500));

${mods.map((i) => `app.route('/hono${i}', routes${i});`).join('\n')}
`;

const expressApp = (mods) => `import express, { type NextFunction, type Request, type Response } from 'express';
${mods.map((i) => `import { router${i} } from '../routes/express${i}';`).join('\n')}

export const app = express();

app.use(express.json());
app.use((req: Request, res: Response, next: NextFunction) => {
  res.setHeader('X-Powered-By', 'bench');
  next();
});
${mods.map((i) => `app.use('/express${i}', router${i});`).join('\n')}

app.use((err: Error, req: Request, res: Response, next: NextFunction) => {
  if (res.headersSent) return next(err);
  res.status(500).json({ error: err.message });
});
`;

const sharedService = (i) => `export const Service${i} = {
  async list(page: number): Promise<Array<{ id: string }>> {
    return Array.from({ length: 10 }, (_, k) => ({ id: \`\${page}-\${k}\` }));
  },
  async get(id: string): Promise<{ id: string } | undefined> {
    return id ? { id } : undefined;
  },
  async create(data: Record<string, unknown>): Promise<{ id: string }> {
    return { id: String(data.id ?? Date.now()) };
  },
};
`;

/** Writes `count` files under `root`; returns the list of middleware module paths. */
export function generateProject(root, count, seed = 42) {
  const r = rng(seed);
  const dirs = ['services', 'lib', 'types', 'utils', 'middleware', 'routes', 'apps'];
  for (const d of dirs) mkdirSync(join(root, 'src', d), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bench-project', private: true }, null, 2));
  writeFileSync(join(root, 'src', 'http.ts'), `export interface HttpRequest { path: string; user?: unknown; locale?: string; headers: Map<string, string> }
export class HttpResponse { headers = new Map<string, string>(); constructor(readonly body: string, readonly init: { status?: number } = {}) {} }
`);
  const middlewares = [];
  const node = { koa: [], hono: [], express: [] };
  const routes = { koa: koaRoutes, hono: honoRoutes, express: expressRoutes };
  // The shared services the route modules call, and one app file per framework (written last).
  for (let k = 0; k < 50; k++) writeFileSync(join(root, 'src', 'services', `shared${k}.ts`), sharedService(k));
  let written = 1 + 50 + 3;
  for (let i = 0; written < count - 1; i++, written++) {
    const roll = r();
    if (roll < 0.05) {
      const name = `mw${i}`;
      writeFileSync(join(root, 'src', 'middleware', `${name}.ts`), middleware(i, r));
      middlewares.push(name);
    } else if (roll < 0.1) {
      const framework = ['koa', 'hono', 'express'][Math.floor(r() * 3)];
      writeFileSync(join(root, 'src', 'routes', `${framework}${i}.ts`), routes[framework](i, r));
      node[framework].push(i);
    } else if (roll < 0.45) writeFileSync(join(root, 'src', 'services', `service${i}.ts`), service(i, r));
    else if (roll < 0.8) writeFileSync(join(root, 'src', 'utils', `util${i}.ts`), util(i, r));
    else if (roll < 0.9) writeFileSync(join(root, 'src', 'types', `entity${i}.ts`), types(i));
    else writeFileSync(join(root, 'src', 'lib', `repository${i}.ts`), `export class Repository { async find(id: string): Promise<unknown> { return { id }; } }\n`);
  }
  const entries = middlewares.slice(0, 20).map((m) => `  'src.middleware.${m}.X',`).join('\n');
  writeFileSync(join(root, 'src', 'settings.ts'), `export const MIDDLEWARE = [
  'django.middleware.security.SecurityMiddleware',
  'django.contrib.sessions.middleware.SessionMiddleware',
  'django.middleware.common.CommonMiddleware',
  'django.middleware.csrf.CsrfViewMiddleware',
  'django.contrib.auth.middleware.AuthenticationMiddleware',
  'django.contrib.messages.middleware.MessageMiddleware',
${entries}
];
`);
  writeFileSync(join(root, 'src', 'apps', 'koa-app.ts'), koaApp(node.koa));
  writeFileSync(join(root, 'src', 'apps', 'hono-app.ts'), honoApp(node.hono));
  writeFileSync(join(root, 'src', 'apps', 'express-app.ts'), expressApp(node.express));
  const handlers = `Koa ${node.koa.length}, Hono ${node.hono.length}, Express ${node.express.length} route modules`;
  return { files: written + 1, middlewares: middlewares.length, handlers };
}
