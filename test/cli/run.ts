import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, capturing its output. */
export async function run(args: string[], cwd: string, options: { env?: NodeJS.ProcessEnv; stdin?: string; tty?: boolean } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd,
    env: options.env ?? {},
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false },
    readStdin: async () => options.stdin ?? '',
  });
  return { code, stdout, stderr };
}

/** Writes a small project into a new temporary folder. */
export function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'onion-cli-'));
  for (const [rel, text] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  return root;
}

export const FORGOT_RETURN = `export class PoweredBy {
  constructor(getResponse) {
    this.getResponse = getResponse;
  }
  call(request) {
    const response = this.getResponse(request);
    response.headers['X-Powered-By'] = 'onion';
  }
}
`;

export const CORRECT = `export class Timing {
  constructor(getResponse) {
    this.getResponse = getResponse;
  }
  call(request) {
    const response = this.getResponse(request);
    response.headers['X-Timing'] = '1';
    return response;
  }
}
`;

export const DROPPED = `export class Replace {
  constructor(getResponse) {
    this.getResponse = getResponse;
  }
  call(request) {
    this.getResponse(request);
    return new JsonResponse({ ok: true });
  }
}
`;
