/** Where each rule's page lives; ESLint, SARIF and editors link to it. */
export const DOCS_BASE = 'https://github.com/onionlint/onionlint/blob/main/docs/rules';
