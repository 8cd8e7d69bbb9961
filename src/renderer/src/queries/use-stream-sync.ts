import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ConnectionState } from '../api/api-client';
import { useApi } from '../api/ApiProvider';
import { StreamSync } from './stream-sync';

/** Subscribes to the push stream for the lifetime of the window and returns the stream's connection state. */
export function useStreamSync(): ConnectionState {
  const api = useApi();
  const client = useQueryClient();
  const [state, setState] = useState<ConnectionState>(api.onConnection ? 'connecting' : 'open');

  useEffect(() => {
    const sync = new StreamSync(client);
    const unsubscribe = api.subscribe((message) => sync.handle(message));
    let wasDown = false;
    const unwatch = api.onConnection?.((next) => {
      setState(next);
      if (next === 'reconnecting') wasDown = true;
      if (next === 'open' && wasDown) {
        wasDown = false;
        sync.resync();
      }
    });
    return () => {
      unsubscribe();
      unwatch?.();
    };
  }, [api, client]);

  return state;
}
