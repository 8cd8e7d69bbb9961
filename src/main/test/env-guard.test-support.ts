/**
 * Setup file of the node test project: fails any test in which anything writes `process.env.ELECTRON_RUN_AS_NODE`.
 * In Electron's main process that variable is inherited by every process launched from the Electron binary —
 * Chromium's renderer, GPU and utility processes too — and breaks them (electron/electron#19738). Child processes
 * that must run as Node get it in their own `env` only.
 */
import { afterEach, expect } from 'vitest';

const GUARDED = 'ELECTRON_RUN_AS_NODE';
const writes: string[] = [];

function record(what: string): void {
  writes.push(`${what}\n${new Error('written here').stack?.split('\n').slice(2, 8).join('\n') ?? ''}`);
}

const realEnv = process.env;
if (!(realEnv as { __electronRunAsNodeGuard?: boolean }).__electronRunAsNodeGuard) {
  delete realEnv[GUARDED];
  process.env = new Proxy(realEnv, {
    get(target, key) {
      if (key === '__electronRunAsNodeGuard') return true;
      return Reflect.get(target, key);
    },
    set(target, key, value) {
      if (key === GUARDED) {
        record(`process.env.${GUARDED} = ${String(value)}`);
        return true;
      }
      return Reflect.set(target, key, value);
    },
    defineProperty(target, key, descriptor) {
      if (key === GUARDED) {
        record(`Object.defineProperty(process.env, '${GUARDED}')`);
        return true;
      }
      return Reflect.defineProperty(target, key, descriptor);
    },
  });
}

afterEach(() => {
  const seen = writes.splice(0);
  expect(seen, `${GUARDED} must never be written into this process' environment`).toEqual([]);
});
