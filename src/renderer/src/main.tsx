import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/create-api';
import { App } from './App';
import { createQueryClient, Providers } from './providers';

const api = createApi();
const queryClient = createQueryClient();
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
