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

const api = createApi();
const queryClient = createQueryClient();
if (routeOf(window.location.hash) === 'queue') prefetchQueuePage(api, queryClient);
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Providers api={api} queryClient={queryClient}>
        <App />
      </Providers>
    </StrictMode>,
  );
}
