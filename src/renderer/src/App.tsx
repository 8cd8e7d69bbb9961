import { AppShell, Group, Loader, NavLink, Title } from '@mantine/core';
import { ClipboardList, Landmark, ListChecks, Rocket, Settings } from 'lucide-react';
import { AttentionBanner } from './components/AttentionBanner';
import { AccountsMenuBadge, QueueMenuBadge } from './components/MenuBadge';
import { StatusStrip } from './components/StatusStrip';
import { lazy, Suspense, useState } from 'react';
import { QueuePage } from './features/queue/QueuePage';
import { FirstRowsGate } from './lib/first-rows';
import { hrefOf, type Route } from './lib/hash-route';
import { MENU_PAGES, type MenuRoute } from './lib/route-of';
import { useOpeningRoute } from './lib/use-opening-route';
import { useSetupProgress } from './queries/use-queries';
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
const GetStartedPage = lazy(() =>
  withPageStyles(import('./features/get-started/GetStartedPage')).then((m) => ({ default: m.GetStartedPage })),
);

/** Each menu page's icon and badge; the pages and their labels are MENU_PAGES (the first frame draws them too). */
const MENU_DRESS: Record<MenuRoute, { icon: React.ReactNode; badge?: React.ReactNode }> = {
  queue: { icon: <ListChecks size={16} />, badge: <QueueMenuBadge /> },
  accounts: { icon: <Landmark size={16} />, badge: <AccountsMenuBadge /> },
  'trade-log': { icon: <ClipboardList size={16} /> },
  settings: { icon: <Settings size={16} /> },
};
const PAGES = MENU_PAGES.map(([route, label]) => ({ route, label, ...MENU_DRESS[route] }));

function Page({ route }: { route: Route }) {
  switch (route) {
    case 'accounts':
      return <AccountsPage />;
    case 'trade-log':
      return <TradeLogPage />;
    case 'settings':
      return <SettingsPage />;
    case 'get-started':
      return <GetStartedPage />;
    default:
      return <QueuePage />;
  }
}

/**
 * §26: Get started leads the menu, with the steps still to do, while setup is incomplete — and for the rest of that
 * session, so the trader who just finished it can still look — or while it is shown.
 */
function GetStartedLink({ route }: { route: Route }) {
  const progress = useSetupProgress().data;
  const [wasIncomplete, setWasIncomplete] = useState(false);
  if (progress && !progress.complete && !wasIncomplete) setWasIncomplete(true);
  if (route !== 'get-started' && !wasIncomplete && (!progress || progress.complete)) return null;
  const left = progress ? progress.steps.filter((s) => !s.done).length : null;
  return (
    <NavLink
      href={hrefOf('get-started')}
      label="Get started"
      leftSection={<Rocket size={16} />}
      description={
        progress?.complete ? 'complete' : left === null ? undefined : `${left} step${left === 1 ? '' : 's'} left`
      }
      active={route === 'get-started'}
      aria-current={route === 'get-started' ? 'page' : undefined}
    />
  );
}

/**
 * The window: header with the status strip, navigation, and the page of the current route. `choosesPage`: opened
 * on no page in particular, the window opens on Get started while setup is incomplete (§26).
 */
export function App({ choosesPage = false }: { choosesPage?: boolean }) {
  const connection = useStreamSync();
  const route = useOpeningRoute(choosesPage);
  const shell = (
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
        <GetStartedLink route={route} />
        {PAGES.map((page) => (
          <NavLink
            key={page.route}
            href={hrefOf(page.route)}
            label={page.label}
            leftSection={page.icon}
            rightSection={page.badge}
            active={route === page.route}
            aria-current={route === page.route ? 'page' : undefined}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <AttentionBanner />
        <Suspense fallback={<Loader size="sm" aria-label="Loading page" />}>
          <Page route={route} />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
  // On the Queue, the reads that only decorate it (names, the Accounts badge) wait for its first rows (§16).
  return <FirstRowsGate onQueue={route === 'queue'}>{shell}</FirstRowsGate>;
}
