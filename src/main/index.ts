/** Electron main entry: everything lives in app-lifecycle.ts; this file only wires in the core's Runtime. */
import { Runtime } from '../core/runtime';
import { runDesktopApp } from './app-lifecycle';

runDesktopApp({
  mainDir: import.meta.dirname,
  createRuntime: (options) => new Runtime(options),
});
