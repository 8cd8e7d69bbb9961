/**
 * §29: the fix of each Check setup finding, in words a trader can follow — the IB Gateway setting by its menu path,
 * the Settings field by its section. README "Check setup" explains each one further.
 */

const GATEWAY_API = 'In IB Gateway (or TWS) open Configure › Settings › API › Settings';

export const FIX = {
  redisDown:
    'Start the Redis named in Settings › Storage and Redis (redis.url), or clear redis.url to let the app run its ' +
    'own embedded Redis.',
  redisOld: 'Upgrade that Redis to version 6.2 or newer, or clear redis.url to use the embedded Redis.',
  redisPersistence:
    'Turn on the append-only file on that Redis (appendonly yes, appendfsync everysec or always; on a managed Redis ' +
    'its "AOF persistence" option), or clear redis.url to use the embedded Redis, which always has it on.',
  ibUnreachable: (port: number) =>
    `Start IB Gateway (or TWS) and log in. ${GATEWAY_API}: tick "Enable ActiveX and Socket Clients", set "Socket ` +
    `port" to ${port} (IB Gateway 4001 live / 4002 paper, TWS 7496 / 7497) and keep "Allow connections from ` +
    'localhost only" ticked (or add this computer under Trusted IPs); or correct ib.host / ib.port in Settings › IB ' +
    'Gateway.',
  notLoggedIn:
    'Log in to IB Gateway with your IBKR username and approve the IB Key two-factor prompt on your phone; if the ' +
    'gateway restarted for the weekly full log-in (Sundays), log in again.',
  competingSession:
    'Log out of the other session that uses the same IBKR username (TWS, Client Portal or the mobile app): while it ' +
    'is logged in IB stops the gateway’s market data. Use a second username for manual trading.',
  connectivity:
    'IB Gateway has lost its own connection to IB: check this computer’s internet connection; it recovers by itself ' +
    'once IB answers again (restart IB Gateway if it does not within a few minutes).',
  noAccounts: (mode: string) =>
    `Add an account under Settings › Accounts with type ${mode}, tick Enabled and pick its strategy.`,
  unmanaged:
    'Log in to IB Gateway with the username that manages every account in Settings › Accounts (or link the ' +
    'accounts to one username in Client Portal), or correct the account ids there.',
  paperLive:
    'Paper account ids start with DU and need IB Gateway logged in to Paper Trading (port 4002); live ids need the ' +
    'Live Trading log-in (port 4001). Set each account’s type in Settings › Accounts to match its id.',
  readOnly:
    `${GATEWAY_API} and untick "Read-Only API", then click Apply/OK: with it ticked IB refuses every order from the app ` +
    '(error 321).',
  precautions:
    `${GATEWAY_API.replace('› API › Settings', '› API › Precautions')} and tick "Bypass Order Precautions for API ` +
    'Orders", or raise the limits under Configure › Settings › Presets (Total Value Limit, Size Limit, percentage ' +
    'bands) above the largest order a rebalance sends.',
  orderRefused:
    'Read IB’s reason above: a refusal for buying power, trading permissions or the account is fixed in Client ' +
    'Portal (Settings › Account Settings › Trading Permissions) or by adding funds.',
  noMarketData:
    'Subscribe to US market data for these symbols in Client Portal › Settings › User Settings › Market Data ' +
    'Subscriptions (e.g. "US Securities Snapshot and Futures Value Bundle" and "US Equity and Options Add-On ' +
    'Streaming Bundle"), sign the API market-data acknowledgement there, then log in to IB Gateway again. Without ' +
    'a price the app never trades the symbol.',
  delayedData:
    'Only delayed (15-minute-old) prices are available: plans are priced on them. For live prices subscribe in ' +
    'Client Portal › Settings › User Settings › Market Data Subscriptions (e.g. "US Securities Snapshot and Futures ' +
    'Value Bundle") and sign the API market-data acknowledgement, then log in to IB Gateway again.',
  clock:
    'Set this computer’s clock to synchronise automatically (Windows: Settings › Time & language › Set time ' +
    'automatically, then Sync now; macOS: System Settings › General › Date & Time › Set time and date ' +
    'automatically; Linux: timedatectl set-ntp true). Schedules, market hours and the restart window use it.',
  allocationsKeyMissing:
    'Paste the allocations API key Zehnlabs gave you in Settings › Zehnlabs › Allocations API key.',
  allocations:
    'Check the allocations API key in Settings › Zehnlabs (a 401 means the key is wrong or expired), that the ' +
    'allocations URL is the one Zehnlabs gave you, and that each account’s strategy is in the provider’s list.',
  realtimeKey: 'Paste the realtime API key Zehnlabs gave you in Settings › Zehnlabs › Realtime API key.',
  realtime:
    'Check the realtime API key in Settings › Zehnlabs (Ably code 40101 / 40102 means it is wrong, 40142 expired) ' +
    'and that this computer may reach realtime.ably.io on port 443 (a firewall or proxy can block it).',
  disk: 'Free at least 1 GB on the disk of the data folder (logs, the Redis append-only file), or move the data folder (dataDir) to a larger disk.',
  recheck: 'Check again; if it keeps failing, see the Trade log for the details.',
} as const;

/**
 * IB's Precautionary Settings refusing an order: 451 / 109 (value, size, price band), or a 201 whose reason names a
 * precaution or a limit (not buying power or permissions, which are other fixes).
 */
export function isPrecautionRefusal(code: number | null, text: string): boolean {
  if (code === 451 || code === 109) return true;
  if (code !== 201) return false;
  return /precaution|total value limit|size limit|exceeds the .*limit|percentage|price.*(band|constraint)/i.test(text);
}
