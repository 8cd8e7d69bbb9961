import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/{shared,core,server,sim,main,preload}/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Fails a test in which anything writes process.env.ELECTRON_RUN_AS_NODE (issue #18).
          setupFiles: ['src/main/test/env-guard.ts'],
          env: { REDISMS_SYSTEM_BINARY: process.env.REDISMS_SYSTEM_BINARY ?? '/usr/bin/redis-server' },
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['src/renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['src/renderer/src/test-setup.ts'],
        },
      },
    ],
  },
});
