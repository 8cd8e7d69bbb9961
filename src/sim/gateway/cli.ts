import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createSimGateway } from './index';
import type { SimAccount, SimSymbol } from './types';

function loadState(file: string): { accounts?: SimAccount[]; symbols?: SimSymbol[] } {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { accounts?: unknown; symbols?: unknown };
  if (parsed.accounts !== undefined && !Array.isArray(parsed.accounts))
    throw new Error(`${file}: "accounts" must be an array`);
  if (parsed.symbols !== undefined && !Array.isArray(parsed.symbols))
    throw new Error(`${file}: "symbols" must be an array`);
  return { accounts: parsed.accounts as SimAccount[] | undefined, symbols: parsed.symbols as SimSymbol[] | undefined };
}

/** Runs the simulated IB Gateway from the command line until SIGINT/SIGTERM. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4002' },
      host: { type: 'string', default: '127.0.0.1' },
      state: { type: 'string' },
      'delayed-only': { type: 'boolean', default: false },
      'market-closed': { type: 'boolean', default: false },
      'not-logged-in': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  const state = values.state ? loadState(values.state) : {};
  const gw = createSimGateway({
    host: values.host,
    port,
    accounts: state.accounts,
    symbols: state.symbols,
    entitlement: values['delayed-only'] ? 'delayed-only' : 'live',
    marketOpen: !values['market-closed'],
    loggedIn: !values['not-logged-in'],
    onWarning: (m) => process.stderr.write(`sim gateway warning: ${m}\n`),
  });
  await gw.listen();
  process.stdout.write(`sim gateway listening on ${gw.host}:${gw.port}\n`);
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    void gw.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

const invokedDirectly = isEntryPoint();
if (invokedDirectly) {
  main().catch((err: unknown) => {
    process.stderr.write(`sim gateway: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
