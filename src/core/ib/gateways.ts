/**
 * §28 several IB logins: one `IbClient` per gateway, each with its own connection, client id, pacing budget (the
 * library's 40 messages/s limiter lives in each connection), market data lines and reconnect loop. Nothing is shared
 * between gateways: a price snapshot, an open-orders read or a what-if turn of one login never serves another's
 * accounts, and a gateway that is down only fails (and so delays) the events of its own accounts.
 *
 * The list of gateways (and each one's address and client id) is the one in force at start; a change takes effect at
 * the next start. An account's gateway, a gateway's label and its restart window are read from the settings in force
 * at each use, so moving an account to another (connected) gateway in Settings applies at once.
 */
import type { AccountMoney } from '../../shared/dto';
import {
  DEFAULT_GATEWAY,
  gatewaysOf,
  gatewayIdOf,
  type GatewaySettingsView,
  type GatewaySpec,
} from '../../shared/gateways';
import { invalidError } from '../domain/errors';
import type { IbStatus } from './connection';
import type { IbClient, IbEvents } from './ib-client';

export interface GatewayConnection {
  spec: GatewaySpec;
  ib: IbClient;
}

type Listener<E extends keyof IbEvents> = (gateway: GatewaySpec, ...args: Parameters<IbEvents[E]>) => void;

export class IbGateways {
  private readonly byId = new Map<string, GatewayConnection>();

  /** `create` builds the client of one gateway (the host gives it its client-id file and order-id store). */
  constructor(settings: GatewaySettingsView, create: (spec: GatewaySpec) => IbClient) {
    for (const spec of gatewaysOf(settings)) this.byId.set(spec.id, { spec, ib: create(spec) });
  }

  /** Every gateway, "default" first. */
  list(): GatewayConnection[] {
    return [...this.byId.values()];
  }

  get(id: string): GatewayConnection | undefined {
    return this.byId.get(id);
  }

  /** The `ib` block's gateway. */
  get default(): GatewayConnection {
    return this.byId.get(DEFAULT_GATEWAY)!;
  }

  /** More than one login: errors and lights name their gateway. */
  get several(): boolean {
    return this.byId.size > 1;
  }

  /**
   * A gateway as the settings in force name it: the address and client id it was started with, the label and
   * restart window of `settings` (both apply at once when edited); as started when `settings` no longer list it.
   */
  private live(settings: GatewaySettingsView, connection: GatewayConnection): GatewayConnection {
    const now = gatewaysOf(settings).find((g) => g.id === connection.spec.id);
    if (!now) return connection;
    return { ib: connection.ib, spec: { ...connection.spec, label: now.label, restartWindow: now.restartWindow } };
  }

  /**
   * The gateway of `accountId` under `settings` (the settings in force: an account moved to another gateway in
   * Settings goes there at once). An account not in the settings goes to "default" (its command fails with its own
   * reason). An account naming a gateway this core has no connection to (added in Settings since start) is an
   * `invalid` error naming both.
   */
  forAccount(settings: GatewaySettingsView, accountId: string): GatewayConnection {
    const connection = this.find(settings, accountId);
    if (!connection) {
      const id = gatewayIdOf(settings.accounts.find((a) => a.accountId === accountId) ?? {});
      throw invalidError(
        `account ${accountId} is on IB Gateway ${id}, which was added in Settings after the app started: restart ` +
          'the app to connect to it',
      );
    }
    return connection;
  }

  /** As `forAccount`, or null when the account's gateway has no connection (added in Settings since start). */
  find(settings: GatewaySettingsView, accountId: string): GatewayConnection | null {
    const account = settings.accounts.find((a) => a.accountId === accountId);
    const connection = this.byId.get(account ? gatewayIdOf(account) : DEFAULT_GATEWAY);
    return connection ? this.live(settings, connection) : null;
  }

  /**
   * The processor's route of one event (§28, `GatewayRoute` of processor/command-deps): the account's gateway, its
   * IB client and client id, and whether errors must name it (several gateways).
   */
  routeFor(
    settings: GatewaySettingsView,
    accountId: string,
  ): { spec: GatewaySpec; ib: IbClient; clientId: () => number | null; several: boolean } {
    const { spec, ib } = this.forAccount(settings, accountId);
    return { spec, ib, clientId: () => ib.clientId, several: this.several };
  }

  /** Each gateway's light source: its spec as the settings in force say, and its connection status. */
  statuses(settings: GatewaySettingsView): { spec: GatewaySpec; status: IbStatus }[] {
    return this.list().map((g) => {
      const { spec, ib } = this.live(settings, g);
      return { spec, status: ib.status() };
    });
  }

  /**
   * §25 money of `accountIds`, each read through its own gateway (side by side); an account whose gateway has no
   * connection is absent, as one IB has not answered for. Never throws.
   */
  async money(
    settings: GatewaySettingsView,
    accountIds: readonly string[],
    waitMs?: number,
  ): Promise<Map<string, AccountMoney>> {
    const byGateway = new Map<GatewayConnection, string[]>();
    for (const accountId of accountIds) {
      let connection: GatewayConnection;
      try {
        connection = this.forAccount(settings, accountId);
      } catch {
        continue;
      }
      const key = this.byId.get(connection.spec.id)!;
      byGateway.set(key, [...(byGateway.get(key) ?? []), accountId]);
    }
    const reads = await Promise.all(
      [...byGateway].map(([{ ib }, ids]) => ib.money(ids, waitMs).catch(() => new Map<string, AccountMoney>())),
    );
    return new Map(reads.flatMap((read) => [...read]));
  }

  /** Looks up ahead, on every gateway, the contracts of `symbols` (each login has its own contract cache). */
  warmContracts(symbols: readonly string[]): void {
    for (const { ib } of this.list()) ib.contracts.warm(symbols);
  }

  /** Drops every session and connects again at once (§29 resume from sleep). */
  reconnectNow(reason: string): void {
    for (const { ib } of this.list()) ib.reconnectNow(reason);
  }

  /** Starts every connection side by side (each returns after its first attempt; reconnects go on by themselves). */
  async start(): Promise<void> {
    await Promise.all(this.list().map((g) => g.ib.start()));
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.list().map((g) => g.ib.stop()));
  }

  /** Subscribes `listener` to one event of every gateway, told which gateway spoke; returns the unsubscribe. */
  on<E extends keyof IbEvents>(event: E, listener: Listener<E>): () => void {
    const offs = this.list().map(({ spec, ib }) =>
      ib.on(event, ((...args: Parameters<IbEvents[E]>) => listener(spec, ...args)) as IbEvents[E]),
    );
    return () => offs.forEach((off) => off());
  }
}

/** Whether the gateway lists of two settings differ in what a connection is built from (takes effect at next start). */
export function gatewayListChanged(previous: GatewaySettingsView, next: GatewaySettingsView): boolean {
  const key = (s: GatewaySettingsView) => JSON.stringify(gatewaysOf(s).map((g) => [g.id, g.host, g.port, g.clientId]));
  return key(previous) !== key(next);
}
