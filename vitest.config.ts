import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: a single file at a time on CI's 2 cores, where most of
    // the time goes to waiting on Redis, servers and child processes rather than to the CPU. Two files at a time cut
    // the suite there from about 9.8 to 6 minutes.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/{shared,core,server,sim,main,preload}/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.topology.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Fails a test in which anything writes process.env.ELECTRON_RUN_AS_NODE (issue #18).
          setupFiles: ['src/main/test/env-guard.test-support.ts'],
          env: { REDISMS_SYSTEM_BINARY: process.env.REDISMS_SYSTEM_BINARY ?? '/usr/bin/redis-server' },
        },
      },
      // The queue suite (and the records beside it, e.g. §25's account history) once more against real Redis
      // topologies on loopback (§22): a cluster, Sentinel, and one server reached over rediss:// (TLS, with the tests
      // of redis.tls in src/core/redis/*.topology.test.ts).
      ...(
        [
          ['cluster', 'src/core/{queue,records}/*.topology.test.ts'],
          ['sentinel', 'src/core/{queue,records}/*.topology.test.ts'],
          ['tls', 'src/core/redis/*.topology.test.ts'],
        ] as const
      ).map(([topology, more]) => ({
        test: {
          name: `queue-${topology}`,
          environment: 'node' as const,
          include: ['src/core/queue/event-queue.test.ts', more],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env: {
            REDISMS_SYSTEM_BINARY: process.env.REDISMS_SYSTEM_BINARY ?? '/usr/bin/redis-server',
            QUEUE_TEST_TOPOLOGY: topology,
          },
        },
      })),
      {
        plugins: [react()],
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['src/renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['src/renderer/src/test/setup.test-support.ts'],
          // user-event typing in jsdom takes seconds on a loaded 2-core machine; 5 s (the default) failed CI there.
          testTimeout: 30_000,
        },
      },
    ],
  },
});
