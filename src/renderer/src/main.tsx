import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/create-api';
import { App } from './App';
import { routeOf } from './lib/hash-route';
import { createQueryClient, Providers } from './providers';
import { prefetchQueuePage } from './queries/use-queries';

/**
 * How long the first render waits for the Queue page's data. Rendering the shell with "Loading…" and then again
 * with the rows costs a second full render and layout; waiting for data that is usually there in tens of
 * milliseconds shows the rows sooner. A slow answer still gets the shell after this long.
 */
const FIRST_RENDER_WAIT_MS = 300;

const api = createApi();
const queryClient = createQueryClient();
const prefetched = routeOf(window.location.hash) === 'queue' ? prefetchQueuePage(api, queryClient) : Promise.resolve();
const root = document.getElementById('root');
if (root) {
  const render = () =>
    createRoot(root).render(
      <StrictMode>
        <Providers api={api} queryClient={queryClient}>
          <App />
        </Providers>
      </StrictMode>,
    );
  void Promise.race([prefetched, new Promise((resolve) => setTimeout(resolve, FIRST_RENDER_WAIT_MS))]).then(
    render,
    render,
  );
}
