import type { RemoteConnection } from '../../../shared/remote';
import type { ApiClient } from './api-client';
import { createHttpApi } from './http-transport';
import { callDesktop, createIpcApi, type DeskBridge } from './ipc-transport';
import { takeToken } from './token';

/** The remote core the desktop app is attached to (§22), or null when the core runs in this app. */
async function remoteOf(desk: DeskBridge): Promise<RemoteConnection | null> {
  try {
    const answer = await callDesktop(desk, 'remoteConnection', {});
    return answer && typeof answer.url === 'string' ? answer : null;
  } catch {
    // The desktop settings could not be read: the window stays on this app's core, which says why it is down.
    return null;
  }
}

/**
 * IPC when the Electron preload is present, HTTP + SSE (token from the URL fragment) otherwise. The desktop app
 * attached to a remote core (§22) uses HTTP + SSE too, to that core's origin with its token, as the main process
 * answers the `remoteConnection` desktop operation. Without the preload it answers at once (no await).
 */
export function createApi(win: Window = window): Promise<ApiClient> {
  const desk = win.desk;
  if (typeof desk?.call === 'function' && typeof desk.subscribe === 'function') {
    return remoteOf(desk).then((remote) => {
      if (!remote) return createIpcApi(desk);
      const api = createHttpApi({
        token: remote.token,
        baseUrl: remote.url,
        explainFailure: () => callDesktop(desk, 'remoteProblem', {}),
      });
      return { ...api, remote: { url: remote.url, host: remote.host } };
    });
  }
  return Promise.resolve(createHttpApi({ token: takeToken(win) }));
}
