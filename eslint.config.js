// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries: the dependency direction of the architecture
 * (shared ← engine ← adapters ← host ← {main, server}; renderer → shared; preload → shared).
 * Each layer lists the layers it must not reach, by relative path segment.
 */
const layer = (/** @type {string[]} */ forbidden) => ({
  regex: `(^|/)(${forbidden.join('|')})(/|$)`,
  message: `this layer may not import from ${forbidden.join(', ')} (see docs/ARCHITECTURE.md)`,
});

const NODE_BUILTINS = {
  regex: '^node:',
  message: 'the engine talks to the world only through ports (src/engine/ports.ts)',
};

/** Syntax banned everywhere. */
const BASE_SYNTAX = [
  { selector: 'ExportDefaultDeclaration', message: 'use named exports' },
  { selector: 'TSEnumDeclaration', message: 'use a const object or a union: enums are not erasable' },
];

const CLOCK = 'time comes from the injected Clock';

const engineForbiddenPackages = [
  'electron',
  'react',
  'react-dom',
  'better-sqlite3',
  'ws',
  'pino',
  'commander',
  '@anthropic-ai/sdk',
  '@nktkas/hyperliquid',
  'viem',
  'pdfjs-dist',
  '@napi-rs/keyring',
  'prom-client',
  'lightweight-charts',
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'http',
  'https',
  'net',
  'crypto',
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'artifacts/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', ...BASE_SYNTAX],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: engineForbiddenPackages.map((name) => ({
            name,
            message: 'the engine is pure: no UI, I/O, storage or SDKs; use a port',
          })),
          patterns: [NODE_BUILTINS, layer(['adapters', 'host', 'main', 'server', 'renderer', 'preload'])],
        },
      ],
      'no-restricted-syntax': [
        'error',
        ...BASE_SYNTAX,
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: CLOCK },
        { selector: "CallExpression[callee.name='Date']", message: CLOCK },
      ],
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'performance', 'globalThis'].map((name) => ({
          name,
          message: `${CLOCK}; scheduling and globals belong to the host`,
        })),
        { name: 'window', message: 'the engine has no DOM' },
        { name: 'document', message: 'the engine has no DOM' },
        { name: 'process', message: 'configuration comes in through the host' },
        { name: 'fetch', message: 'network access goes through an adapter' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: CLOCK },
        { object: 'Math', property: 'random', message: 'randomness must be seeded and injected' },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'shared code runs in the browser too' },
            layer(['engine', 'adapters', 'host', 'main', 'server', 'renderer', 'preload']),
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer(['host', 'main', 'server', 'renderer', 'preload'])] }],
    },
  },
  {
    files: ['src/host/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer(['main', 'server', 'renderer', 'preload'])] }],
    },
  },
  {
    files: ['src/main/**/*.ts', 'src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [layer(['renderer', 'preload'])] }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'better-sqlite3', 'ws'].map((name) => ({
            name,
            message: 'the renderer talks to the engine only through the contract client',
          })),
          patterns: [
            { regex: '^node:', message: 'the renderer runs in a sandboxed browser context' },
            layer(['engine', 'adapters', 'host', 'main', 'server', 'preload']),
          ],
        },
      ],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'sandboxed preload scripts have no Node modules' },
            layer(['engine', 'adapters', 'host', 'main', 'server', 'renderer']),
          ],
        },
      ],
    },
  },
  {
    // Tool configuration files are loaded by their tools through a default export.
    files: ['*.config.{js,ts}', 'electron.vite.config.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
