import { AppShell, Group, Loader, NavLink, Title } from '@mantine/core';
import { ClipboardList, Landmark, ListChecks, Settings } from 'lucide-react';
import { StatusStrip } from './components/StatusStrip';
import { lazy, Suspense } from 'react';
import { QueuePage } from './features/queue/QueuePage';
import { hrefOf, useRoute, type Route } from './lib/hash-route';
import { useStreamSync } from './queries/use-stream-sync';
import { withPageStyles } from './styles';

// The Queue page loads with the window; the others (with their stylesheets, styles.ts) when first opened, so the
// window is up sooner (§16).
const AccountsPage = lazy(() =>
  withPageStyles(import('./features/accounts/AccountsPage')).then((m) => ({ default: m.AccountsPage })),
);
const TradeLogPage = lazy(() =>
  withPageStyles(import('./features/trade-log/TradeLogPage')).then((m) => ({ default: m.TradeLogPage })),
);
const SettingsPage = lazy(() =>
  withPageStyles(import('./features/settings/SettingsPage')).then((m) => ({ default: m.SettingsPage })),
);

const PAGES: { route: Route; label: string; icon: React.ReactNode }[] = [
  { route: 'queue', label: 'Queue', icon: <ListChecks size={16} /> },
  { route: 'accounts', label: 'Accounts', icon: <Landmark size={16} /> },
  { route: 'trade-log', label: 'Trade log', icon: <ClipboardList size={16} /> },
  { route: 'settings', label: 'Settings', icon: <Settings size={16} /> },
];

function Page({ route }: { route: Route }) {
  switch (route) {
    case 'accounts':
      return <AccountsPage />;
    case 'trade-log':
      return <TradeLogPage />;
    case 'settings':
      return <SettingsPage />;
    default:
      return <QueuePage />;
  }
}

/** The window: header with the status strip, navigation, and the page of the current route. */
export function App() {
  const connection = useStreamSync();
  const route = useRoute();
  return (
    <AppShell header={{ height: 84 }} navbar={{ width: 168, breakpoint: 0 }} padding="sm">
      <AppShell.Header>
        <Group h="100%" px="sm" wrap="nowrap">
          <StatusStrip
            connection={connection}
            leading={
              <Title order={1} size="h4" style={{ whiteSpace: 'nowrap' }}>
                Rebalance Desk
              </Title>
            }
          />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Pages">
        {PAGES.map((page) => (
          <NavLink
            key={page.route}
            href={hrefOf(page.route)}
            label={page.label}
            leftSection={page.icon}
            active={route === page.route}
            aria-current={route === page.route ? 'page' : undefined}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loader size="sm" aria-label="Loading page" />}>
          <Page route={route} />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
