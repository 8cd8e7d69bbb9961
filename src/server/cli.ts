/**
 * Headless host (PRODUCT.md §15): `serve [--config FILE] [--host H] [--port N]` and `demo [--port N]`.
 * Prints `listening on http://HOST:PORT/#token=…` once ready; stops cleanly on SIGINT / SIGTERM.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { defaultHeadlessDataDir, resolveDataDir } from '../core/config/data-dir';
import { EnvSecretStore } from '../core/config/secrets';
import { SettingsStore } from '../core/config/settings-store';
import { runCheckCommand } from './check-command';
import { startDemo } from './demo';
import { listeningLine, startHeadless, type HeadlessHost } from './host';

const USAGE = `usage: rebalance-desk serve [--config FILE] [--host HOST] [--port PORT] [--allow-insecure-remote]
       rebalance-desk demo [--host HOST] [--port PORT] [--data-dir DIR]
       rebalance-desk check [--config FILE]      (Check setup; exit 1 when a check fails, 2 without the settings file)`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      quiet: { type: 'boolean' },
      'allow-insecure-remote': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const mode = positionals[0] ?? 'serve';
  if (values.help || !['serve', 'demo', 'check'].includes(mode)) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new Error(`--port must be 0–65535, got ${values.port}`);
  }

  if (mode === 'check') {
    const file = values.config ?? join(defaultHeadlessDataDir(), 'settings.json');
    process.exitCode = await runCheckCommand({ configFile: file });
    // Everything is closed by now; should a library still hold a handle, it must not keep the command waiting.
    setTimeout(() => process.exit(), 2_000).unref();
    return;
  }

  let host: HeadlessHost;
  if (mode === 'demo') {
    host = await startDemo({
      ...(values.host ? { host: values.host } : {}),
      ...(port === undefined ? {} : { port }),
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      logToStdout: !values.quiet,
    });
  } else {
    const file = values.config ?? join(defaultHeadlessDataDir(), 'settings.json');
    const store = new SettingsStore(file, new EnvSecretStore());
    const loadOutcome = await store.load();
    if (loadOutcome.error) {
      console.error(`settings: ${loadOutcome.error.message}`);
      console.error(`settings: using the ${loadOutcome.from === 'last-good' ? 'last good' : 'default'} settings`);
    }
    if (store.settings.remote.url) {
      console.error(
        `settings: remote.url (${store.settings.remote.url}) is a desktop-app setting (attach the window to a remote ` +
          'core); serve runs its own core and ignores it',
      );
    }
    const dataDir = resolveDataDir(store.settings.dataDir, defaultHeadlessDataDir());
    host = await startHeadless({
      settingsStore: store,
      loadOutcome,
      dataDir,
      logToStdout: !values.quiet,
      allowInsecureRemote: values['allow-insecure-remote'] === true,
      ...(values.host ? { host: values.host } : {}),
      ...(port === undefined ? {} : { port }),
    });
  }
  console.log(listeningLine(host));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    host.stop().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`error while stopping: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`rebalance-desk: ${error.message}`);
  process.exit(1);
});
