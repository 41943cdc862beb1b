import { describe, expect, it } from 'vitest';
import { project, run } from './run.js';

const reports = (root: string, stdout: string) =>
  (JSON.parse(stdout) as Array<{ filePath: string; messages: Array<{ line: number; ruleId: string }> }>).flatMap((f) => f.messages.map((m) => `${f.filePath.slice(root.length + 1)}:${m.line} ${m.ruleId}`));

describe('CLI: one file of a project, judged as in the whole-project run', () => {
  // Middleware that only the stack makes middleware (the weak name `next`, an unusual name): the
  // file holds nothing the pre-filter keeps, yet a run on it alone must read the settings around it.
  const files = {
    'package.json': '{"private":true}',
    'app/timing.ts': "export const timing = (next) => (request) => {\n  const response = next(request);\n  response.headers['X-Timing'] = '1';\n};\n",
    'app/wrapper.ts': 'export class Wrapper {\n  constructor(inner) {\n    this.inner = inner;\n  }\n  call(request) {\n    this.inner(request);\n  }\n}\n',
    'settings.ts': "export const MIDDLEWARE = [\n  'app.timing.timing',\n  'app.wrapper.Wrapper',\n];\n",
  };

  it('a factory whose next layer is named `next`', async () => {
    const root = project(files);
    const whole = await run(['-f', 'json', '.'], root);
    expect(reports(root, whole.stdout)).toContain('app/timing.ts:4 onion/return-response');
    const alone = await run(['-f', 'json', 'app/timing.ts'], root);
    expect(reports(root, alone.stdout)).toEqual(reports(root, whole.stdout).filter((r) => r.startsWith('app/timing.ts')));
  });

  it('a class whose next layer has an unusual name', async () => {
    const root = project(files);
    const whole = await run(['-f', 'json', '.'], root);
    const alone = await run(['-f', 'json', 'app/wrapper.ts'], root);
    expect(reports(root, alone.stdout)).toEqual(reports(root, whole.stdout).filter((r) => r.startsWith('app/wrapper.ts')));
    expect(reports(root, alone.stdout).length).toBeGreaterThan(0);
  });
});
