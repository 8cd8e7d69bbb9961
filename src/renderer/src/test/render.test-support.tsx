import { notifications } from '@mantine/notifications';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { App } from '../App';
import { createQueryClient, Providers } from '../providers';
import { useStreamSync } from '../queries/use-stream-sync';
import type { FakeApi } from './fake-api.test-support';

function WithStream({ children }: { children: ReactNode }) {
  useStreamSync();
  return <>{children}</>;
}

/** Renders a page (with the stream wired to the query cache, as in the app) around a fake api. */
export function renderWithApi(ui: ReactNode, api: FakeApi) {
  notifications.clean();
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  const result = render(
    <Providers api={api} queryClient={queryClient} env="test">
      <WithStream>{ui}</WithStream>
    </Providers>,
  );
  return { ...result, queryClient };
}

/** The whole window; `choosesPage` as when it opens on no page in particular (main.tsx). */
export function renderApp(api: FakeApi, options: { choosesPage?: boolean } = {}) {
  notifications.clean();
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { ...queryClient.getDefaultOptions().queries, retry: false } });
  return render(
    <Providers api={api} queryClient={queryClient} env="test">
      <App choosesPage={options.choosesPage ?? false} />
    </Providers>,
  );
}
