/**
 * §29 `realtime`: whether the Zehnlabs realtime key authenticates — a short-lived Ably connection of its own, made with
 * exactly the options the feed uses (`zehnlabs.realtime` + the key), closed again at once.
 */
import * as Ably from 'ably';
import type { Settings } from '../config/schema';
import type { RealtimeFacts } from './check-setup';

export async function probeRealtime(
  settings: Settings,
  createRealtime: (options: Ably.ClientOptions) => Ably.Realtime = (options) => new Ably.Realtime(options),
  timeoutMs = 10_000,
): Promise<RealtimeFacts> {
  const key = settings.zehnlabs.realtimeApiKey.trim();
  if (key === '') return { state: 'no-key' };
  let client: Ably.Realtime;
  try {
    client = createRealtime({
      ...(settings.zehnlabs.realtime as Partial<Ably.ClientOptions>),
      key,
      autoConnect: true,
      logLevel: 0,
    });
  } catch (error) {
    return { state: 'failed', reason: (error as Error).message };
  }
  try {
    return await new Promise<RealtimeFacts>((resolve) => {
      const timer = setTimeout(
        () => resolve({ state: 'failed', reason: `no answer within ${Math.round(timeoutMs / 1000)} s` }),
        timeoutMs,
      );
      const settle = (facts: RealtimeFacts) => {
        clearTimeout(timer);
        resolve(facts);
      };
      client.connection.on((change) => {
        if (change.current === 'connected') settle({ state: 'connected', detail: 'the realtime key authenticated' });
        else if (change.current === 'failed' || change.current === 'suspended' || change.current === 'closed') {
          const reason = change.reason
            ? `${change.reason.message} (Ably code ${change.reason.code})`
            : `connection ${change.current}`;
          settle({ state: 'failed', reason });
        } else if (change.current === 'disconnected' && change.reason && change.reason.statusCode === 401) {
          settle({ state: 'failed', reason: `${change.reason.message} (Ably code ${change.reason.code})` });
        }
      });
      if (client.connection.state === 'connected') {
        settle({ state: 'connected', detail: 'the realtime key authenticated' });
      }
    });
  } finally {
    try {
      client.close();
    } catch {
      // already closed
    }
  }
}
