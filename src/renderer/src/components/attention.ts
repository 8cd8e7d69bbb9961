/**
 * §26: what stops trading, said across the top of every page with what to do — free of React, so the banners
 * (AttentionBanner.tsx) and the window's first frame (first-frame.ts) say the same thing.
 */
import type { Health, QueueStatus } from '../../../shared/dto';

export interface Attention {
  tone: 'red' | 'yellow';
  title: string;
  testId: string;
  /** What happened and what to do; ends with a link to Settings when `settingsLink`. */
  text: string;
  settingsLink: boolean;
  /** The banner holds the Resume button. */
  resume: boolean;
}

/** An IB Gateway that is down (red), processing paused by the trader (yellow), in that order; none when all is well. */
export function attentionOf(health: Health | undefined, status: QueueStatus | undefined): Attention[] {
  const out: Attention[] = [];
  if (health?.ib.state === 'red') {
    // §28: with several IB logins, the banner names the ones down; the others' accounts trade as usual.
    const several = (health.gateways?.length ?? 0) > 1;
    if (!several) {
      out.push({
        tone: 'red',
        title: 'IB Gateway is down',
        testId: 'gateway-banner',
        text:
          `${health.ib.detail}. Nothing reaches IB until it is back: events that need it wait in Delayed and retry by ` +
          'themselves. Start IB Gateway (or TWS) and log in; its address is in ',
        settingsLink: true,
        resume: false,
      });
    } else {
      const down = (health.gateways ?? []).filter((g) => g.state === 'red');
      out.push({
        tone: 'red',
        title: `IB Gateway ${down.map((g) => g.label).join(', ')} ${down.length > 1 ? 'are' : 'is'} down`,
        testId: 'gateway-banner',
        text:
          `${down.map((g) => `${g.label}: ${g.detail}`).join('; ')}. Nothing reaches IB for the accounts on ` +
          `${down.length > 1 ? 'these logins' : 'this login'} until it is back: their events wait in Delayed and retry ` +
          'by themselves; accounts on the other gateways trade as usual. Start that IB Gateway and log in; its address ' +
          'is in ',
        settingsLink: true,
        resume: false,
      });
    }
  }
  if (status?.paused === true) {
    out.push({
      tone: 'yellow',
      title: 'Processing is paused',
      testId: 'paused-banner',
      text: 'Nothing is traded while paused: signals and commands still queue in Pending and run once you resume.',
      settingsLink: false,
      resume: true,
    });
  }
  return out;
}
