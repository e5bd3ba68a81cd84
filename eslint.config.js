// ESLint (pinned in package.json) over the admin UI's scripts, run by
// scripts/test.sh: `npx eslint` at the repository root. The scripts are
// plain browser scripts (no modules, no build step) sharing window.SQ.
'use strict';

const js = require('@eslint/js');

const browser = Object.fromEntries([
  'window', 'document', 'navigator', 'location', 'history', 'localStorage', 'console', 'fetch',
  'setTimeout', 'clearTimeout', 'URLSearchParams', 'CSS', 'Event', 'Node', 'getSelection',
].map((name) => [name, 'readonly']));

module.exports = [
  {
    files: ['ui/src/**/*.js'],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'script',
      globals: browser,
    },
    rules: {
      ...js.configs.recommended.rules,
      'no-unused-vars': ['error', {args: 'none', caughtErrors: 'none'}],
      eqeqeq: ['error', 'always'],
      'no-implied-eval': 'error',
      'no-eval': 'error',
      strict: ['error', 'global'],
    },
  },
];
