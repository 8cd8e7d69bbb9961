/**
 * Feed state for the status strip (PRODUCT.md §6, §12): Ably connection and channel states in the trader's words,
 * the feed's health light and the shape of a feed log entry. Pure functions; no SDK objects cross this file.
 */
import type { FeedLogEntry } from '../../shared/contract';
import type { ComponentHealth } from '../../shared/dto';

/** The states the status strip shows, overall and per channel. */
export type FeedLinkState = 'off' | 'connecting' | 'connected' | 'disconnected' | 'suspended' | 'failed';

export interface FeedChannelState {
  /** Channel name = strategy slug. */
  channel: string;
  state: FeedLinkState;
  /** Ably's own channel state (`attaching`, `attached`, …). */
  ablyState: string;
  /** Why, in plain words, when not connected (or after a gap). */
  reason: string | null;
  /** The channel re-attached without continuity: messages may have been missed until catch-up has run. */
  possibleGap: boolean;
  /** Enabled accounts in the current mode that follow this strategy. */
  accounts: string[];
  /** ISO time of the last change. */
  since: string;
}

export interface FeedState {
  state: FeedLinkState;
  /** Ably's own connection state, or `off` when there is no client. */
  ablyState: string;
  reason: string | null;
  connectionId: string | null;
  channels: FeedChannelState[];
  since: string;
}

/** The minimum of an Ably `ErrorInfo` this file needs. */
export interface AblyErrorLike {
  code?: number;
  statusCode?: number;
  message?: string;
}

/** An Ably error code in plain words, always ending with the code (e.g. "… (40101)"). */
export function describeAblyError(error: AblyErrorLike | null | undefined): string | null {
  if (!error) return null;
  const code = typeof error.code === 'number' ? error.code : null;
  const tail = code !== null ? ` (${code})` : '';
  if (code === null) return error.message ? error.message : null;
  if (code === 40101 || code === 40100 || code === 40102 || code === 40400 || (code >= 40140 && code < 40150)) {
    return `Zehnlabs rejected the realtime API key${tail}`;
  }
  if (code === 40103) return `the realtime API key needs a TLS connection${tail}`;
  if (code === 40160 || code === 40161) return `the realtime API key may not subscribe to this channel${tail}`;
  if (code === 40106)
    return `the realtime client options are invalid: ${error.message ?? 'check zehnlabs.realtime'}${tail}`;
  if (code === 80008) return `the connection could not be resumed; messages may have been missed${tail}`;
  if (code === 80002 || code === 80016) return `no connection to Zehnlabs realtime for too long${tail}`;
  if (code === 80003 || code === 80000 || code === 80014) return `cannot reach Zehnlabs realtime${tail}`;
  if (code === 80017) return `the connection was closed${tail}`;
  if (code === 80019) return `authentication with Zehnlabs realtime failed${tail}`;
  if (code === 90001 || code === 90007) return `the channel was detached${tail}`;
  if (code === 90009) return `the channel was attached without subscribe permission${tail}`;
  return `${error.message ?? 'Zehnlabs realtime error'}${tail}`;
}

/** Ably connection state → status strip state. */
export function linkFromConnection(state: string): FeedLinkState {
  switch (state) {
    case 'connected':
      return 'connected';
    case 'initialized':
    case 'connecting':
      return 'connecting';
    case 'suspended':
      return 'suspended';
    case 'failed':
      return 'failed';
    case 'disconnected':
    case 'closing':
    case 'closed':
      return 'disconnected';
    default:
      return 'off';
  }
}

/** Ably channel state → status strip state. */
export function linkFromChannel(state: string): FeedLinkState {
  switch (state) {
    case 'attached':
      return 'connected';
    case 'initialized':
    case 'attaching':
      return 'connecting';
    case 'suspended':
      return 'suspended';
    case 'failed':
      return 'failed';
    default:
      return 'disconnected';
  }
}

export interface HealthFacts {
  keySet: boolean;
  tradingMode: 'paper' | 'live';
  state: FeedState;
}

/**
 * The feed's light: green connected with every channel attached; amber connecting, a possible gap, or nothing to
 * subscribe to; red failed or suspended (it will not heal without the trader, or has been down for long).
 */
export function feedHealth({ keySet, tradingMode, state }: HealthFacts): ComponentHealth {
  if (!keySet)
    return { state: 'amber', detail: 'no API key set — Zehnlabs signals will not arrive; add it in Settings' };
  const reason = state.reason ? `: ${state.reason}` : '';
  if (state.state === 'failed') return { state: 'red', detail: `failed${reason}` };
  if (state.state === 'suspended') return { state: 'red', detail: `suspended — retrying${reason}` };
  if (state.channels.length === 0) {
    return { state: 'amber', detail: `no enabled ${tradingMode} accounts — nothing to subscribe to` };
  }
  const failed = state.channels.filter((c) => c.state === 'failed' || c.state === 'suspended');
  if (failed.length > 0 && state.state === 'connected') {
    const first = failed[0];
    return {
      state: 'red',
      detail: `channel ${first?.channel ?? ''} ${first?.state ?? ''}${first?.reason ? `: ${first.reason}` : ''}`,
    };
  }
  if (state.state !== 'connected') return { state: 'amber', detail: `${state.state}${reason}` };
  const gaps = state.channels.filter((c) => c.possibleGap);
  if (gaps.length > 0) {
    return {
      state: 'amber',
      detail: `possible gap on ${gaps.map((c) => c.channel).join(', ')} — checking allocations`,
    };
  }
  const pending = state.channels.filter((c) => c.state !== 'connected');
  if (pending.length > 0) {
    return { state: 'amber', detail: `attaching ${pending.map((c) => c.channel).join(', ')}` };
  }
  const n = state.channels.length;
  return { state: 'green', detail: `connected — ${n} channel${n === 1 ? '' : 's'}` };
}

/**
 * A feed log entry without its time. `messageId` and `eventId` are null unless given (entries about the connection,
 * a channel or catch-up); `reason` and `accounts` are left out when not given.
 */
export function feedLogEntry(
  channel: string | null,
  outcome: FeedLogEntry['outcome'],
  reason: string | undefined,
  more: { messageId?: string | null; eventId?: string | null; accounts?: string[] } = {},
): Omit<FeedLogEntry, 'at'> {
  return {
    channel,
    messageId: more.messageId ?? null,
    eventId: more.eventId ?? null,
    outcome,
    ...(reason !== undefined ? { reason } : {}),
    ...(more.accounts ? { accounts: more.accounts } : {}),
  };
}
