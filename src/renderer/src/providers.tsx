import { createTheme, MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import type { ApiClient } from './api/api-client';
import { ApiProvider } from './api/ApiProvider';

export const theme = createTheme({
  primaryColor: 'blue',
  // §26 accessibility: filled buttons and badges dark enough for white text (WCAG AA), dark text on light fills.
  primaryShade: { light: 9, dark: 9 },
  autoContrast: true,
  defaultRadius: 'sm',
  fontSmoothing: true,
});

/**
 * Server data lives only in TanStack Query; it stays fresh until a stream message invalidates it (no polling), so
 * nothing is refetched on a timer or on focus.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: Infinity, refetchOnWindowFocus: false, retry: 1 },
      mutations: { retry: false },
    },
  });
}

/** Its code (with its transitions) is a chunk of its own, loaded when it mounts. */
const Notifications = lazy(() => import('./lazy-notifications').then((m) => ({ default: m.Notifications })));

/**
 * Mantine's notification area (six positioned portals), mounted just after the first frame: nothing shows in it at
 * start, and notifications asked for before it mounts wait in Mantine's store and appear when it does (§16).
 */
function DeferredNotifications() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setMounted(true), 0);
    return () => clearTimeout(timer);
  }, []);
  return mounted ? (
    <Suspense fallback={null}>
      <Notifications position="bottom-right" limit={5} />
    </Suspense>
  ) : null;
}

/** Everything a page needs around it: theme (light / dark from the system), queries, modals, notifications, the api. */
export function Providers({
  api,
  queryClient,
  env,
  children,
}: {
  api: ApiClient;
  queryClient: QueryClient;
  env?: 'default' | 'test';
  children: ReactNode;
}) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" env={env}>
      <ApiProvider api={api}>
        <QueryClientProvider client={queryClient}>
          <ModalsProvider>
            <DeferredNotifications />
            {children}
          </ModalsProvider>
        </QueryClientProvider>
      </ApiProvider>
    </MantineProvider>
  );
}
