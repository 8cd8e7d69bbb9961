import { loadPageStyles } from './styles';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { ApiClient } from './api/api-client';
import { App } from './App';
import { createQueryClient, Providers } from './providers';
import { prefetchQueuePage, queries } from './queries/use-queries';

/**
 * How long the first render waits for the Queue page's data. Rendering the shell with "Loading…" and then again
 * with the rows costs a second full render and layout; waiting for data that is usually there in tens of
 * milliseconds shows the rows sooner. A slow answer still gets the shell after this long.
 */
const FIRST_RENDER_WAIT_MS = 300;

/**
 * Renders the window once the Queue page's data is in (or after `waitMs`); start-window.ts calls it.
 * `choosesPage`: the address named no page, so the window opens on Get started or Queue (§26) as the core says.
 * `onRender`: called as React takes the root over (from then on the first frame must not be drawn).
 * `waitMs`: what is left of the window's wait for the data (start-window.ts waited for it before loading this chunk).
 */
export function boot(
  api: ApiClient,
  onQueuePage: boolean,
  choosesPage = false,
  onRender?: () => void,
  waitMs = FIRST_RENDER_WAIT_MS,
): void {
  const queryClient = createQueryClient();
  const prefetched = Promise.all([
    onQueuePage ? prefetchQueuePage(api, queryClient) : null,
    choosesPage ? queryClient.prefetchQuery(queries.setupProgress(api)) : null,
  ]);
  const root = document.getElementById('root');
  if (!root) return;
  const render = () => {
    onRender?.();
    createRoot(root).render(
      <StrictMode>
        <Providers api={api} queryClient={queryClient}>
          <App choosesPage={choosesPage} />
        </Providers>
      </StrictMode>,
    );
    // the other pages' and the drawer's stylesheets, once the first rows are painted
    setTimeout(() => void loadPageStyles().catch(() => undefined), 500);
  };
  void Promise.race([prefetched, new Promise((resolve) => setTimeout(resolve, waitMs))]).then(render, render);
}
