// Lint rules that guard the architecture (design.md): workflow code stays deterministic, and
// promises are never left floating.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// Outside the bundle a workflow function is a type only (start<typeof paymentReminder>(…)), so
// the API and the worker never load workflow code; its contract, the definitions callers signal
// and query with, is imported as is.
const workflowAsTypeOnly = {
  regex: '^(\\.\\./)+workflows(/(?![a-z-]+\\.contract$)[^/]*)?$',
  allowTypeImports: true,
  message:
    'Import a workflow with `import type` only; its signals, queries and input types come from its .contract file.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.data/**',
      '.tools/**',
      'generated/**',
      'workflow-bundle.js',
      'jest.config.js',
      'eslint.config.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Workflow code is replayed: it may import only the workflow SDK, its own folder's files and
    // src/domain. Activities are imported as types only.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code must not use Node built-ins (it is replayed deterministically).',
          })),
          patterns: [
            {
              regex:
                '^(?!@temporalio/workflow$|@temporalio/common(/.*)?$|\\./|\\.\\./domain(/.*)?$|\\.\\./activities(/.*)?$).*',
              message: 'Workflow code may import only @temporalio/workflow, ./ files and ../domain.',
            },
            {
              regex: '^\\.\\./activities(/.*)?$',
              allowTypeImports: true,
              message: 'Import activities with `import type` only; call them through proxyActivities.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No environment in workflow code: pass values in as input.' },
        { name: 'fetch', message: 'No I/O in workflow code: do it in an activity.' },
        { name: 'setInterval', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'require', message: 'No dynamic imports in workflow code.' },
      ],
    },
  },
  {
    // A contract is what callers and the workflow share: definitions and types, nothing that runs.
    files: ['src/workflows/**/*.contract.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!@temporalio/workflow$|\\.\\./domain/|\\./[a-z-]+\\.contract$).*',
              message: 'A contract may import only @temporalio/workflow (define*), domain types and other contracts.',
            },
            {
              regex: '^(\\.\\./domain/|\\./).*',
              allowTypeImports: true,
              message: 'A contract imports domain modules and other contracts as types only.',
            },
          ],
        },
      ],
    },
  },
  {
    // zod compiles a parser for each new schema on its first parse: a row schema built inside a
    // query function would be compiled again on every call (src/db/sql.ts).
    files: ['src/**/*.ts'],
    ignores: ['src/workflows/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='sql'][callee.property.name='type'] > CallExpression.arguments",
          message: 'Make the row schema once, at module level (or use a sql.typeAlias), not inside the query.',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/workflows/**', 'src/api/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [workflowAsTypeOnly] }] },
  },
  {
    // The API validates, writes and talks to Temporal; workers call the providers (design.md).
    // Allowed from providers/: the integration-mode check, webhook signature verifiers, and the
    // Google OAuth callback's code exchange (the person waits in the browser for its outcome).
    files: ['src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)activities(/.*)?$',
              message: 'The API never imports activities: start or signal a workflow instead.',
            },
            {
              regex:
                '(^|/)providers/(?!integration$|stripe$|twilio$|google/pubsub-push-verifier$|google/oauth$|google/gmail$|google/refresh-token-vault$).*',
              message:
                'The API calls no provider: a workflow activity does (signature checks and the OAuth callback excepted).',
            },
            workflowAsTypeOnly,
          ],
        },
      ],
    },
  },
);
