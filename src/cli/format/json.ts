import type { Formatter } from './results.js';

/** ESLint's JSON results format: every linted file, with or without messages. */
export const json: Formatter = (results) =>
  JSON.stringify(results.map(({ source: _source, ...rest }) => rest));
