import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The architecture's "never" arrows (PRODUCT.md §2, README › Layout) as `no-restricted-imports` patterns. Each
 * pattern is a regex over the import specifier as written (a glob such as `**\/core/**` would also match
 * `@mantine/core`); relative specifiers name the layer they climb into (`../../sim/…`). In flat config a later block
 * replaces an earlier block's options for the same rule, so each layer below has ONE block listing all of its
 * restrictions.
 * test/lint-boundaries.test.ts proves each rule fires on a wrong import and stays quiet on a right one.
 */
const climbInto = (...layers) => `^(\\.\\./)+(${layers.join('|')})(/|$)`;
const ban = {
  electron: { regex: '^electron(/|$)', message: 'only src/main and src/preload import Electron (PRODUCT.md §2).' },
  ioredis: {
    regex: '^ioredis(/|$)',
    message:
      'only the Redis adapters (src/core/queue, src/core/records, src/core/redis) and test support import ioredis.',
  },
  sim: {
    regex: climbInto('sim'),
    message: 'the core never imports the simulator; only tests and *.test-support.ts files do.',
  },
  testSupport: {
    regex: '\\.test(-support)?$|(^|/)test/|^vitest(/|$)|^@testing-library/',
    message:
      'production code never imports tests or test support (*.test-support.ts, test/), so the build never ships them.',
  },
  nodeApis: { regex: '^node:', message: 'runs in the browser too: no Node APIs here.' },
};
/**
 * One layer's restrictions: `no-restricted-imports` for static imports and re-exports, and the same patterns through
 * `no-restricted-syntax` for `import('…')` (which `no-restricted-imports` does not see). esquery's regex literals end
 * at the first `/`, so a `/` inside a pattern is written `\x2F` there.
 */
const restrict = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((p) => ({ ...p, caseSensitive: true })) }],
  'no-restricted-syntax': [
    'error',
    ...patterns.map(({ regex, message }) => ({
      selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\x2F')}/]`,
      message: `import(): ${message}`,
    })),
  ],
});

/** Tests and test support: `*.test.ts(x)`, `*.test-support.ts(x)` and the top-level test/ folder. Nothing else. */
const TEST_FILES = ['**/*.test.ts', '**/*.test.tsx', '**/*.test-support.ts', '**/*.test-support.tsx', 'test/**'];
const REDIS_ADAPTERS = ['src/core/queue/**', 'src/core/records/**', 'src/core/redis/**'];

export default defineConfig([
  globalIgnores(['out/', 'dist/', 'node_modules/', 'e2e/artifacts/', 'e2e/test-results/', 'coverage/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: { ...globals.browser } },
  },

  // ── Layers (production code; tests and test support are exempt, see the last block) ──
  {
    // Pure functions: no I/O, no packages, no clock; only other domain files and src/shared.
    files: ['src/core/domain/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict({
      regex: '^(?!\\./|\\.\\./\\.\\./shared/)',
      message:
        'src/core/domain is pure: it imports only other domain files (./…) and src/shared (no I/O, no packages).',
    }),
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: [...TEST_FILES, 'src/core/domain/**', ...REDIS_ADAPTERS],
    rules: restrict(ban.electron, ban.ioredis, ban.sim, ban.testSupport, {
      regex: climbInto('main', 'server', 'renderer', 'preload'),
      message: 'the core never imports its hosts or the window.',
    }),
  },
  {
    // The Redis adapters: the one place ioredis is imported.
    files: REDIS_ADAPTERS.map((dir) => `${dir}/*.ts`),
    ignores: TEST_FILES,
    rules: restrict(ban.electron, ban.sim, ban.testSupport, {
      regex: climbInto('main', 'server', 'renderer', 'preload'),
      message: 'the core never imports its hosts or the window.',
    }),
  },
  {
    files: ['src/shared/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(ban.electron, ban.ioredis, ban.testSupport, ban.nodeApis, {
      regex: climbInto('core', 'main', 'server', 'renderer', 'preload', 'sim'),
      message: 'src/shared is imported by every side and imports none of them.',
    }),
  },
  {
    files: ['src/server/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(ban.electron, ban.ioredis, ban.testSupport, {
      regex: climbInto('main', 'renderer', 'preload'),
      message: 'the headless host runs without Electron and serves the built window; it imports neither.',
    }),
  },
  {
    files: ['src/sim/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(ban.electron, ban.ioredis, ban.testSupport, {
      regex: climbInto('core', 'main', 'server', 'renderer', 'preload'),
      message: 'the simulator stands alone (it plays IB, the allocation API and Ably): it imports no app code.',
    }),
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict(ban.ioredis, ban.testSupport, {
      regex: climbInto('renderer'),
      message: 'the Electron shell loads the built window; it never imports its code.',
    }),
  },
  {
    // A sandboxed preload: Electron's renderer-side API and the shared contract, nothing else.
    files: ['src/preload/**/*.ts'],
    ignores: TEST_FILES,
    rules: restrict({
      regex: '^(?!electron$|\\.\\./shared/)',
      message: 'the preload imports only electron and src/shared.',
    }),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    ignores: TEST_FILES,
    rules: restrict(ban.electron, ban.ioredis, ban.testSupport, ban.nodeApis, {
      regex: climbInto('core', 'main', 'server', 'sim', 'preload'),
      message:
        'the window reaches the core only through the contract: it imports src/shared, ' +
        'never src/core, src/main or src/server.',
    }),
  },
  {
    // Tests and test support of the Electron-free sides keep the one old rule: no Electron (PRODUCT.md §2).
    files: ['core', 'server', 'sim', 'shared'].flatMap((side) => [
      `src/${side}/**/*.test.ts`,
      `src/${side}/**/*.test-support.ts`,
    ]),
    rules: restrict(ban.electron),
  },
]);
