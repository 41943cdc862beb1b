import { readFileSync } from 'node:fs';

export type ReadOutcome = { ok: true; text: string; bom: boolean } | { ok: false; message: string };

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Reads a source file as ESLint does: the byte-order mark is removed (and restored when fixes are
 * written), invalid UTF-8 becomes replacement characters, and a file with NUL bytes is binary.
 */
export function readSource(path: string, read: (p: string) => Buffer = readFileSync): ReadOutcome {
  let bytes: Buffer;
  try {
    bytes = read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : ((error as Error).message ?? String(error));
    return { ok: false, message: `Cannot read the file: ${reason}.` };
  }
  if (bytes.subarray(0, 8000).includes(0)) return { ok: false, message: 'The file looks binary (it contains NUL bytes); not linted.' };
  let text = decoder.decode(bytes);
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  return { ok: true, text, bom };
}
