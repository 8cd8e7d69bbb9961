import type { ApiClient } from './api-client';
import { createHttpApi } from './http-transport';
import { createIpcApi } from './ipc-transport';
import { takeToken } from './token';

/**
 * IPC when the Electron preload is present, HTTP + SSE (token from the URL fragment) otherwise. The desktop app
 * attached to a remote core (§22) uses HTTP + SSE too, to that core's origin with its token, as told by the preload.
 */
export function createApi(win: Window = window): ApiClient {
  const desk = win.desk;
  if (typeof desk?.call === 'function' && typeof desk.subscribe === 'function') {
    const remote = typeof desk.remote === 'function' ? desk.remote() : null;
    if (!remote) return createIpcApi(desk);
    const api = createHttpApi({
      token: remote.token,
      baseUrl: remote.url,
      ...(desk.remoteProblem ? { explainFailure: () => desk.remoteProblem!() } : {}),
    });
    return { ...api, remote: { url: remote.url, host: remote.host } };
  }
  return createHttpApi({ token: takeToken(win) });
}
