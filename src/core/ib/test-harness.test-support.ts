/**
 * Test support for the IB layer: a simulated gateway on a free port and real `IbClient`s connected to it over
 * TCP. Every decode error (505) the library reports is collected so each test can fail on it. Used by the
 * `*.test.ts` files of this folder only.
 */
import { expect, vi } from 'vitest';
import { startSimGateway } from '../../sim/gateway';
import type { SimAccount, SimGateway, SimGatewayOptions, SimSymbol } from '../../sim/gateway/types';
import type { ClientIdStore, GatewayMessage } from './connection';
import { IB_DECODE_ERROR } from './ib-errors';
import { IbClient, type IbClientOptions } from './ib-client';

export const ACCOUNT = 'DU1000001';
export const OTHER_ACCOUNT = 'DU1000002';

export function testSymbols(): SimSymbol[] {
  return [
    { symbol: 'SPY', conId: 756733, primaryExchange: 'ARCA', bid: 500, ask: 500.1, last: 500.05, close: 498 },
    { symbol: 'QQQ', conId: 320227571, primaryExchange: 'NASDAQ', bid: 400, ask: 400.2, last: 400.1, close: 399 },
    { symbol: 'TLT', conId: 15547841, primaryExchange: 'NASDAQ', bid: 90, ask: 90.02, last: 90.01, close: 89.5 },
    { symbol: 'GLD', conId: 51529211, primaryExchange: 'ARCA', bid: 0, ask: 0, last: 378.9, close: 377 },
    { symbol: 'BIL', conId: 45316929, primaryExchange: 'ARCA', bid: 0, ask: 0, last: 0, close: 91.5 },
    { symbol: 'DEAD', conId: 999001, primaryExchange: 'ARCA', bid: 0, ask: 0, last: 0, close: 0 },
  ];
}

export function testAccounts(): SimAccount[] {
  return [
    {
      accountId: ACCOUNT,
      kind: 'margin',
      cash: 100_000,
      positions: [
        { symbol: 'SPY', quantity: 50, avgCost: 450 },
        { symbol: 'TLT', quantity: 200, avgCost: 92 },
      ],
    },
    {
      accountId: OTHER_ACCOUNT,
      kind: 'cash',
      cash: 50_000,
      positions: [{ symbol: 'QQQ', quantity: 20, avgCost: 350 }],
    },
  ];
}

export class MemoryClientIdStore implements ClientIdStore {
  saved: number[] = [];
  constructor(public value: number | null = null) {}
  async load(): Promise<number | null> {
    return this.value;
  }
  async save(id: number): Promise<void> {
    this.value = id;
    this.saved.push(id);
  }
}

export interface Harness {
  gw: SimGateway;
  /** Clients made with `connect`, stopped by `close`. */
  clients: IbClient[];
  /** Every 505 decode error any client saw. */
  decodeErrors: GatewayMessage[];
  /** Every gateway message any client saw. */
  messages: GatewayMessage[];
  /** A started client (connected unless `wait: false`). */
  connect(options?: Partial<IbClientOptions> & { wait?: boolean }): Promise<IbClient>;
  close(): Promise<void>;
}

/** Starts a simulator with the test accounts and symbols (overridable). */
export async function startHarness(options: SimGatewayOptions = {}): Promise<Harness> {
  const gw = await startSimGateway({ accounts: testAccounts(), symbols: testSymbols(), ...options });
  const clients: IbClient[] = [];
  const decodeErrors: GatewayMessage[] = [];
  const messages: GatewayMessage[] = [];
  return {
    gw,
    clients,
    decodeErrors,
    messages,
    async connect(overrides = {}) {
      const { wait = true, ...clientOptions } = overrides;
      const client = new IbClient({
        host: gw.host,
        port: gw.port,
        clientId: null,
        clientIdStore: new MemoryClientIdStore(),
        connectTimeoutMs: 2_000,
        requestTimeoutMs: 3_000,
        reconnectDelayMs: 200,
        ...clientOptions,
      });
      client.on('message', (message) => {
        messages.push(message);
        if (message.code === IB_DECODE_ERROR) decodeErrors.push(message);
      });
      clients.push(client);
      await client.start();
      if (wait) await client.whenConnected(3_000);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.stop()));
      await gw.stop();
    },
  };
}

/** Resolves when `predicate` holds (polled by vi.waitFor), rejects after `timeoutMs`. */
export function until(predicate: () => boolean, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  return vi.waitFor(
    () => {
      if (!predicate()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 10 },
  );
}

/** The rejection of `promise` (fails when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Closes the harness a test started and fails the test on any decode error (505) or simulator protocol warning. */
export async function closeHarness(h: Harness | null): Promise<void> {
  if (!h) return;
  const warnings = h.gw.warnings();
  await h.close();
  expect(h.decodeErrors).toEqual([]);
  expect(warnings).toEqual([]);
}
