import type { ApiClient } from './api-client';
import { createHttpApi } from './http-transport';
import { createIpcApi } from './ipc-transport';
import { takeToken } from './token';

/** IPC when the Electron preload is present, HTTP + SSE (token from the URL fragment) otherwise. */
export function createApi(win: Window = window): ApiClient {
  if (typeof win.desk?.call === 'function' && typeof win.desk.subscribe === 'function') return createIpcApi(win.desk);
  return createHttpApi({ token: takeToken(win) });
}
