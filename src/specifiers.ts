/** Import specifiers as the front-ends and the link step compare them, never resolved. */

/**
 * The package an import specifier names, as the knowledge base keys it: `jsr:@alexi/auth@^0.24`
 * and `@alexi/auth` are both `@alexi/auth` (a subpath is kept: `@alexi/db/backends/denokv`).
 * Undefined for a relative path, a URL or a `node:` built-in. Matched as written, never resolved.
 */
export function packageSpecifier(specifier: string): string | undefined {
  const bare = specifier.replace(/^(?:jsr|npm):\/?/, '');
  if (bare.startsWith('.') || bare.startsWith('/') || /^[a-z][a-z\d+.-]*:/i.test(bare)) return undefined;
  const m = /^((?:@[^/@]+\/)?[^/@]+)(?:@[^/]*)?(\/.*)?$/.exec(bare);
  return m ? m[1]! + (m[2] ?? '') : undefined;
}
