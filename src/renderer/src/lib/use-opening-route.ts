import { useLayoutEffect, useRef } from 'react';
import { useSetupProgress } from '../queries/use-queries';
import { hrefOf, routeOf, useRoute, type Route } from './hash-route';

/**
 * The page to show. A window opened on no page in particular (`choosesPage`, see main.tsx) moves to Get started, as
 * soon as the core says setup is incomplete (§26), unless the trader has gone to another page meanwhile; otherwise it
 * stays on Queue. A layout effect, so the move happens before the Queue is painted when the answer is already in.
 */
export function useOpeningRoute(choosesPage: boolean): Route {
  const route = useRoute();
  const progress = useSetupProgress();
  const choosing = useRef(choosesPage);
  useLayoutEffect(() => {
    if (!choosing.current || (!progress.data && !progress.error)) return;
    choosing.current = false;
    if (progress.data?.opensOnGetStarted && routeOf(window.location.hash) === 'queue') {
      window.location.replace(hrefOf('get-started'));
    }
  }, [progress.data, progress.error]);
  return route;
}
