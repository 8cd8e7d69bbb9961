/**
 * §28 several IB logins: the gateways of a settings object, read the same way by the core (one connection each), the
 * Settings page and the status strip. The `ib` block is always the gateway "default"; `gateways` adds the others.
 */

export const DEFAULT_GATEWAY = 'default';
export const GATEWAY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
export const GATEWAY_ID_MESSAGE = 'must be a gateway id: letters, digits, "-" or "_", e.g. spouse';

/** One IB Gateway login as the core connects to it. */
export interface GatewaySpec {
  id: string;
  /** How the window names it: the label typed, else the id ("IB Gateway" for a lone default). */
  label: string;
  host: string;
  port: number;
  clientId: number | null;
  /** Its daily restart window (§21); null = none. */
  restartWindow: string | null;
}

/** The parts of the settings this module reads (kept structural so it imports nothing). */
export interface GatewaySettingsView {
  ib: { host: string; port: number; clientId: number | null; restartWindow: string | null };
  gateways?: readonly {
    id: string;
    label?: string;
    host: string;
    port: number;
    clientId?: number | null;
    restartWindow?: string | null | undefined;
  }[];
  accounts: readonly { accountId: string; gateway?: string }[];
}

/** Every gateway of the settings, "default" (the `ib` block) first. */
export function gatewaysOf(settings: GatewaySettingsView): GatewaySpec[] {
  const others = settings.gateways ?? [];
  const defaultLabel = others.length === 0 ? 'IB Gateway' : DEFAULT_GATEWAY;
  return [
    {
      id: DEFAULT_GATEWAY,
      label: defaultLabel,
      host: settings.ib.host,
      port: settings.ib.port,
      clientId: settings.ib.clientId,
      restartWindow: settings.ib.restartWindow,
    },
    ...others.map((g) => ({
      id: g.id,
      label: g.label?.trim() || g.id,
      host: g.host,
      port: g.port,
      clientId: g.clientId ?? null,
      restartWindow: g.restartWindow === undefined ? settings.ib.restartWindow : g.restartWindow,
    })),
  ];
}

/** The gateway id an account names ("default" when it names none). */
export function gatewayIdOf(account: { gateway?: string }): string {
  return account.gateway ?? DEFAULT_GATEWAY;
}

/** The gateway that manages `accountId`, or null when the account is not in the settings. */
export function gatewayOfAccount(settings: GatewaySettingsView, accountId: string): GatewaySpec | null {
  const account = settings.accounts.find((a) => a.accountId === accountId);
  if (!account) return null;
  const id = gatewayIdOf(account);
  return gatewaysOf(settings).find((g) => g.id === id) ?? null;
}

/** "IB Gateway spouse (127.0.0.1:4003)": how an error names a gateway. */
export function gatewayName(gateway: Pick<GatewaySpec, 'id' | 'label' | 'host' | 'port'>): string {
  const label = gateway.label && gateway.label !== gateway.id ? ` "${gateway.label}"` : '';
  return `IB Gateway ${gateway.id}${label} (${gateway.host}:${gateway.port})`;
}
