/**
 * The architecture's boundaries are lint rules (eslint.config.js): each rule fires on a deliberately wrong import in
 * its layer and stays quiet on a right one, so `npm run lint` (and CI) fails when such an import appears.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: repoRoot });
});

/** The boundary messages (static imports and `import()`) ESLint reports for `code` at `filePath` in the repository. */
async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

const use = (what: string) => `${what}\nexport const used = [x];\n`;

describe('lint boundaries', () => {
  describe('fire on a wrong import', () => {
    it.each([
      // the domain is pure
      ['src/core/domain/planner.ts', "import x from 'ioredis';", 'src/core/domain is pure'],
      ['src/core/domain/planner.ts', "import { readFile as x } from 'node:fs/promises';", 'src/core/domain is pure'],
      ['src/core/domain/planner.ts', "import { connect as x } from 'node:net';", 'src/core/domain is pure'],
      ['src/core/domain/planner.ts', "import { spawn as x } from 'node:child_process';", 'src/core/domain is pure'],
      ['src/core/domain/planner.ts', "import { IBApi as x } from '@stoqey/ib';", 'src/core/domain is pure'],
      ['src/core/domain/planner.ts', "import { createServer as x } from 'http';", 'src/core/domain is pure'],
      [
        'src/core/domain/planner.ts',
        "import { fetchAllocations as x } from '../allocations/client';",
        'src/core/domain is pure',
      ],
      [
        'src/core/domain/planner.ts',
        "import type { Settings as x } from '../config/schema';",
        'src/core/domain is pure',
      ],
      // the core never imports the simulator, Electron or its hosts
      [
        'src/core/feed/feed.ts',
        "import { startFakeAbly as x } from '../../sim/ably/fake-ably';",
        'never imports the simulator',
      ],
      ['src/core/runtime.ts', "import { SimGateway as x } from '../sim/gateway';", 'never imports the simulator'],
      [
        'src/core/queue/event-queue.ts',
        "import { SimGateway as x } from '../../sim/gateway';",
        'never imports the simulator',
      ],
      ['src/core/runtime.ts', "import { app as x } from 'electron';", 'only src/main and src/preload import Electron'],
      [
        'src/core/feed/feed.test.ts',
        "import { app as x } from 'electron';",
        'only src/main and src/preload import Electron',
      ],
      ['src/core/runtime.ts', "import { startServer as x } from '../server/host';", 'never imports its hosts'],
      // the renderer imports src/shared, never the core or the hosts
      [
        'src/renderer/src/features/settings/settings-validation.ts',
        "import { settingsSchema as x } from '../../../../core/config/schema';",
        'never src/core, src/main or src/server',
      ],
      [
        'src/renderer/src/App.tsx',
        "import { CALL_CHANNEL as x } from '../../main/ipc';",
        'never src/core, src/main or src/server',
      ],
      [
        'src/renderer/src/App.tsx',
        "import { createHttpApp as x } from '../../server/http-app';",
        'never src/core, src/main or src/server',
      ],
      [
        'src/renderer/src/App.tsx',
        "import { ipcRenderer as x } from 'electron';",
        'only src/main and src/preload import Electron',
      ],
      // ioredis only in the Redis adapters
      ['src/core/processor/processor.ts', "import x from 'ioredis';", 'only the Redis adapters'],
      ['src/core/feed/feed.ts', "import type { Redis as x } from 'ioredis';", 'only the Redis adapters'],
      ['src/server/http-app.ts', "import x from 'ioredis';", 'only the Redis adapters'],
      ['src/main/core-host.ts', "import x from 'ioredis';", 'only the Redis adapters'],
      // production code never imports test support
      [
        'src/core/processor/processor.ts',
        "import { startTestRedis as x } from '../redis/test-redis.test-support';",
        'never imports tests or test support',
      ],
      [
        'src/renderer/src/App.tsx',
        "import { FakeApi as x } from './test/fake-api.test-support';",
        'never imports tests or test support',
      ],
      [
        'src/server/host.ts',
        "import { startStack as x } from '../../test/support/stack';",
        'never imports tests or test support',
      ],
      ['src/main/index.ts', "import { vi as x } from 'vitest';", 'never imports tests or test support'],
      // import('…') is checked against the same patterns
      ['src/renderer/src/App.tsx', "const x = () => import('../../core/runtime');", 'import(): the window reaches'],
      ['src/core/domain/planner.ts', "const x = () => import('node:fs');", 'import(): src/core/domain is pure'],
      // the other sides
      ['src/shared/dto.ts', "import { settingsSchema as x } from '../core/config/schema';", 'imports none of them'],
      ['src/shared/dto.ts', "import { readFile as x } from 'node:fs';", 'no Node APIs'],
      [
        'src/preload/index.ts',
        "import { Runtime as x } from '../core/runtime';",
        'imports only electron and src/shared',
      ],
      ['src/sim/gateway/server.ts', "import { planRebalance as x } from '../../core/domain/planner';", 'stands alone'],
      ['src/server/host.ts', "import { runDesktopApp as x } from '../main/app-lifecycle';", 'imports neither'],
    ])('%s: %s', async (filePath, importLine, reason) => {
      const errors = await boundaryErrors(filePath, use(importLine));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(reason);
    });
  });

  describe('stay quiet on a right import', () => {
    it.each([
      ['src/core/domain/planner.ts', "import { invalidError as x } from './errors';"],
      ['src/core/domain/restart-window.ts', "import { restartWindowProblem as x } from '../../shared/restart-window';"],
      ['src/core/queue/event-queue.ts', "import x from 'ioredis';"],
      ['src/core/records/trade-records.ts', "import type { Redis as x } from 'ioredis';"],
      ['src/core/redis/topology.ts', "import x from 'ioredis';"],
      ['src/core/schedules/scheduler.test.ts', "import x from 'ioredis';"],
      ['src/core/feed/feed.test.ts', "import { startFakeAbly as x } from '../../sim/ably/fake-ably';"],
      ['src/core/ib/test-harness.test-support.ts', "import { SimGateway as x } from '../../sim/gateway';"],
      [
        'src/core/processor/processor.test.ts',
        "import { startTestRedis as x } from '../redis/test-redis.test-support';",
      ],
      ['src/core/runtime.ts', "import { COMMANDS as x } from '../shared/dto';"],
      ['src/server/demo.ts', "import { startFakeAbly as x } from '../sim/ably/fake-ably';"],
      ['src/server/host.ts', "import { Runtime as x } from '../core/runtime';"],
      ['src/main/core-host.ts', "import { Runtime as x } from '../core/runtime';"],
      ['src/main/ipc.ts', "import { ipcMain as x } from 'electron';"],
      ['src/preload/index.ts', "import { ipcRenderer as x } from 'electron';"],
      ['src/preload/index.ts', "import { CALL_CHANNEL as x } from '../shared/ipc-channels';"],
      // `@mantine/core` is a package, not src/core: the rules match specifiers, not globs over them
      ['src/renderer/src/App.tsx', "import { Button as x } from '@mantine/core';"],
      [
        'src/renderer/src/features/settings/settings-validation.ts',
        "import { settingsSchema as x } from '../../../../shared/settings-schema';",
      ],
      [
        'src/renderer/src/features/settings/SettingsPage.test.tsx',
        "import { renderApp as x } from '../../test/render.test-support';",
      ],
      ['test/integration/packaged-app.test.ts', "import x from 'ioredis';"],
      ['src/renderer/src/App.tsx', "const x = () => import('./features/queue/QueuePage');"],
      ['src/core/redis/redis-server.ts', "const x = () => import('redis-memory-server');"],
    ])('%s: %s', async (filePath, importLine) => {
      expect(await boundaryErrors(filePath, use(importLine))).toEqual([]);
    });
  });
});
