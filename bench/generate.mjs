// Generates a synthetic TypeScript project: ordinary code (services, utilities, types, React-free
// components) with about 5% middleware (correct ones and a few with mistakes) and a settings file.
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

/** Writes `count` files under `root`; returns the list of middleware module paths. */
export function generateProject(root, count, seed = 42) {
  const r = rng(seed);
  const dirs = ['services', 'lib', 'types', 'utils', 'middleware'];
  for (const d of dirs) mkdirSync(join(root, 'src', d), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bench-project', private: true }, null, 2));
  writeFileSync(join(root, 'src', 'http.ts'), `export interface HttpRequest { path: string; user?: unknown; locale?: string; headers: Map<string, string> }
export class HttpResponse { headers = new Map<string, string>(); constructor(readonly body: string, readonly init: { status?: number } = {}) {} }
`);
  const middlewares = [];
  let written = 1;
  for (let i = 0; written < count - 1; i++, written++) {
    const roll = r();
    if (roll < 0.05) {
      const name = `mw${i}`;
      writeFileSync(join(root, 'src', 'middleware', `${name}.ts`), middleware(i, r));
      middlewares.push(name);
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
  return { files: written + 1, middlewares: middlewares.length };
}
