/**
 * The app's Redis (PRODUCT.md §3): either an external one (`redis.url`) or a private, embedded
 * `redis-server` persisted with AOF (`appendfsync always`) in `<dataDir>/redis`, bound to a free loopback port. A
 * second start on the same dataDir finds the data of the first.
 *
 * The embedded server is spawned here with an argument vector (no shell, no quoting), so the binary and the data
 * folder may sit in any path — `/Applications/Rebalance Desk.app/…`, `C:\Program Files\…`, a home with a space.
 * (redis-memory-server wraps such a binary path in literal quotes and then spawns the quoted string, which fails
 * with ENOENT; it is used only for its last-resort download of a binary.) A small watchdog child stops redis-server
 * when the host process dies without stopping it; inside Electron the watchdog is the app's executable run as Node,
 * with `ELECTRON_RUN_AS_NODE=1` in that child's environment only — never in this process's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { createClient, describeTopology, isExternal, probe, type RedisClient, type RedisTopology } from './topology';

export { redactRedisUrl } from './topology';

/** The slice of a pino logger this module uses. */
export interface RedisLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface StartRedisOptions extends RedisTopology {
  /** External Redis (`redis://…` / `rediss://…`); when set (or `sentinel` / `cluster`) nothing is started. */
  url?: string | null;
  /** Path of a `redis-server` binary for the embedded Redis (`redis.binary`). */
  binary?: string | null;
  /** The app's data directory; the embedded Redis keeps its files in `<dataDir>/redis`. */
  dataDir: string;
  log?: RedisLog;
  /** The redis-server shipped with the app, tried after `binary` and `REDISMS_SYSTEM_BINARY`, before PATH. */
  bundledBinary?: string | null;
  /**
   * With no binary anywhere: true (the headless default, PRODUCT.md §3) lets redis-memory-server download and build
   * one; false (the desktop app) fails with a message that says how to get Redis.
   */
  allowDownload?: boolean;
  /** Where that download goes (redis-memory-server's default cache otherwise). */
  downloadDir?: string;
  /** Folders searched after PATH; default `wellKnownRedisDirs()`. */
  extraDirs?: string[];
}

export interface RedisHandle {
  kind: 'embedded' | 'external';
  /** `redis://host:port` (credentials of an external URL kept as given); for Sentinel / Cluster, their description. */
  url: string;
  /** One line naming where Redis is, without passwords (health, logs). */
  description: string;
  /** Process id of the embedded redis-server; null for an external Redis. */
  pid: number | null;
  /**
   * A new ioredis connection to this Redis (closed by `stop()` if still open): one server, or the master behind
   * Sentinel. Throws for a Redis Cluster, where `client()` is the way in.
   */
  connect(name?: string): Redis;
  /** A new connection of whatever topology this Redis is (a `Cluster` for `redis.cluster`); closed by `stop()`. */
  client(name?: string): RedisClient;
  /** Closes the connections made by `connect()` and, when embedded, shuts the server down. */
  stop(): Promise<void>;
}

/** Thrown when no Redis could be started or reached; `message` says what to do. */
export class RedisStartError extends Error {
  override name = 'RedisStartError';
}

const HOW_TO_GET_REDIS =
  'Install Redis (Debian/Ubuntu: `apt-get install redis-server`, macOS: `brew install redis`) ' +
  'or set redis.binary to the path of a redis-server binary';

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (process.platform !== 'win32') accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `redis-server` (`.exe` on Windows) in one of the `path.delimiter`-separated folders of `pathEnv`, or null. */
export function findOnPath(name = 'redis-server', pathEnv = process.env.PATH ?? ''): string | null {
  // No `.cmd`: a batch file cannot be spawned without a shell.
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

/**
 * Folders searched after PATH. An app started from Finder / the Dock gets `PATH=/usr/bin:/bin:/usr/sbin:/sbin`, so
 * Homebrew's redis-server (Apple silicon `/opt/homebrew/bin`, Intel `/usr/local/bin`) is only found here.
 */
export function wellKnownRedisDirs(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32') return [];
  if (platform === 'darwin') return ['/opt/homebrew/bin', '/usr/local/bin', '/opt/local/bin'];
  return ['/usr/local/bin', '/usr/bin', '/snap/bin'];
}

export type BinaryChoice =
  { source: 'option' | 'env' | 'bundled' | 'path'; path: string } | { source: 'download'; path: null };

export interface ResolveRedisBinaryOptions {
  bundledBinary?: string | null;
  /** Searched after PATH; default `wellKnownRedisDirs()`. */
  extraDirs?: string[];
}

/**
 * Which redis-server to run: `binary`, else `REDISMS_SYSTEM_BINARY`, else the app's shipped binary, else
 * `redis-server` on PATH or in a well-known folder, else none (`download`). A named binary that does not exist is an
 * error, never a silent download.
 */
export function resolveRedisBinary(
  binary: string | null | undefined,
  env: NodeJS.ProcessEnv = process.env,
  options: ResolveRedisBinaryOptions = {},
): BinaryChoice {
  const check = (file: string, from: string): string => {
    const full = path.resolve(file);
    if (!existsSync(full)) {
      throw new RedisStartError(`redis-server binary not found at ${full} (${from}). ${HOW_TO_GET_REDIS}.`);
    }
    if (!isExecutableFile(full)) {
      throw new RedisStartError(
        `redis-server binary at ${full} (${from}) is not an executable file. ${HOW_TO_GET_REDIS}.`,
      );
    }
    return full;
  };
  if (binary) return { source: 'option', path: check(binary, 'from redis.binary') };
  const fromEnv = env.REDISMS_SYSTEM_BINARY;
  if (fromEnv) return { source: 'env', path: check(fromEnv, 'from REDISMS_SYSTEM_BINARY') };
  if (options.bundledBinary) return { source: 'bundled', path: check(options.bundledBinary, 'shipped with the app') };
  const dirs = [env.PATH ?? '', ...(options.extraDirs ?? wellKnownRedisDirs())].join(path.delimiter);
  const found = findOnPath('redis-server', dirs);
  if (found) return { source: 'path', path: found };
  return { source: 'download', path: null };
}

function trackingConnector(topology: RedisTopology, base: string) {
  const open = new Set<RedisClient>();
  const client = (name?: string): RedisClient => {
    const c = createClient(topology, { name: name ? `${base}:${name}` : base });
    open.add(c);
    c.once('end', () => open.delete(c));
    return c;
  };
  const connect = (name?: string): Redis => {
    if (topology.cluster && topology.cluster.length > 0) {
      throw new Error('this Redis is a cluster: use client(), not connect()');
    }
    const c = client(name);
    if (c instanceof Cluster) throw new Error('unexpected cluster connection');
    return c;
  };
  const closeAll = async (): Promise<void> => {
    await Promise.all(
      [...open].map(async (c) => {
        try {
          if (c.status === 'ready') await c.quit();
          else c.disconnect();
        } catch {
          c.disconnect();
        }
      }),
    );
    open.clear();
  };
  return { connect, client, closeAll };
}

async function startExternal(topology: RedisTopology, log?: RedisLog): Promise<RedisHandle> {
  const description = describeTopology(topology);
  try {
    await probe(topology);
  } catch (err) {
    throw new RedisStartError(
      `${description} is unreachable: ${(err instanceof Error ? err.message : String(err)).replace(/\.$/, '')}. ` +
        'Check redis.url / redis.sentinel / redis.cluster, or clear them to use the embedded Redis.',
    );
  }
  log?.info({ redis: description }, 'connected to external Redis');
  const { connect, client, closeAll } = trackingConnector(topology, 'rebalance-desk');
  const url = topology.url ? topology.url : description;
  return { kind: 'external', url, description, pid: null, connect, client, stop: closeAll };
}

/** A free loopback port (the OS picks it; redis-server may still lose a race for it, which is retried). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Kills redis-server (last argument) once the host (the one before) is gone; exits when redis-server is gone. */
const WATCHDOG_SCRIPT = `
const [host, child] = process.argv.slice(-2).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
setInterval(() => {
  if (!alive(child)) process.exit(0);
  if (!alive(host)) { try { process.kill(child, 'SIGTERM'); } catch {} process.exit(0); }
}, 2000);
`;

/** The environment of a child process: ours without `ELECTRON_RUN_AS_NODE`, plus `extra`. */
export function childEnv(extra: Record<string, string> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  delete env.ELECTRON_RUN_AS_NODE;
  return { ...env, ...extra };
}

/**
 * The watchdog child: this process' own executable — node, or the Electron app run as Node (`ELECTRON_RUN_AS_NODE`
 * is set in the child's environment only).
 */
function startWatchdog(redisPid: number, log?: RedisLog): ChildProcess | null {
  const warn = (error: Error) => log?.warn({ err: error.message }, 'the embedded Redis watchdog did not start');
  try {
    const asNode: Record<string, string> = process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
    const watchdog = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, String(process.pid), String(redisPid)], {
      stdio: 'ignore',
      windowsHide: true,
      env: childEnv(asNode),
    });
    watchdog.on('error', warn);
    watchdog.unref();
    return watchdog;
  } catch (error) {
    warn(error as Error);
    return null;
  }
}

interface Launched {
  child: ChildProcess;
  port: number;
}

type LaunchError = Error & { portTaken?: boolean; code?: string };

const READY = /ready to accept connections/i;
const PORT_TAKEN = /address already in use/i;
const START_TIMEOUT_MS = 30_000;

/** Spawns redis-server on `port` and resolves once it accepts connections; rejects with its last output otherwise. */
function launchOnce(binary: string, dir: string, port: number): Promise<Launched> {
  // An argument vector, no shell: spaces (or quotes) in `binary` and `dir` reach redis-server unchanged.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no', '--save', ''];
  args.push('--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir);
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    const child = spawn(binary, args, {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      env: childEnv(),
    });
    const fail = (error: LaunchError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`redis-server did not say "Ready to accept connections" within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    timer.unref();
    const onData = (chunk: Buffer) => {
      if (settled) return;
      output = (output + chunk.toString()).slice(-4000);
      if (!READY.test(output)) return;
      settled = true;
      clearTimeout(timer);
      resolve({ child, port });
    };
    // Its output is read for as long as it runs, so a full pipe never blocks it.
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => fail(error));
    child.once('exit', (code, signal) => {
      const last = output.trim().split(/\r?\n/).slice(-3).join(' | ');
      const error: LaunchError = new Error(
        `redis-server exited (${signal ?? `code ${String(code)}`}) before it was ready${last ? `: ${last}` : ''}`,
      );
      error.portTaken = PORT_TAKEN.test(output);
      fail(error);
    });
  });
}

/** Waits for `child` to exit; after `graceMs`, kills it. */
function waitForExit(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    timer.unref();
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A binary from redis-memory-server's download (builds Redis from source on macOS / Linux, Memurai on Windows). */
async function downloadRedis(downloadDir: string | undefined): Promise<string> {
  const { RedisBinary } = await import('redis-memory-server');
  return RedisBinary.getPath(downloadDir ? { downloadDir } : {});
}

async function embeddedBinary(opts: StartRedisOptions): Promise<{ binary: string; source: string }> {
  const choice = resolveRedisBinary(opts.binary, process.env, {
    bundledBinary: opts.bundledBinary ?? null,
    ...(opts.extraDirs ? { extraDirs: opts.extraDirs } : {}),
  });
  if (choice.path) return { binary: choice.path, source: choice.source };
  if (opts.allowDownload === false) {
    const where = opts.extraDirs ?? wellKnownRedisDirs();
    throw new RedisStartError(
      'No redis-server found: redis.binary and REDISMS_SYSTEM_BINARY are not set, none is shipped with the app and ' +
        `none is on PATH${where.length ? ` or in ${where.join(', ')}` : ''}. ${HOW_TO_GET_REDIS}.`,
    );
  }
  try {
    return { binary: await downloadRedis(opts.downloadDir), source: 'download' };
  } catch (err) {
    throw new RedisStartError(
      'No redis-server found (redis.binary and REDISMS_SYSTEM_BINARY not set, none on PATH) and ' +
        `downloading Redis failed: ${err instanceof Error ? err.message : String(err)}. ${HOW_TO_GET_REDIS}.`,
    );
  }
}

async function startEmbedded(opts: StartRedisOptions): Promise<RedisHandle> {
  const { binary, source } = await embeddedBinary(opts);
  const dir = path.resolve(opts.dataDir, 'redis');
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new RedisStartError(
      `The embedded Redis' data folder ${dir} could not be created: ${(err as Error).message}. Check dataDir.`,
    );
  }

  let launched: Launched | null = null;
  let lastError: LaunchError | null = null;
  for (let attempt = 0; attempt < 5 && !launched; attempt += 1) {
    try {
      launched = await launchOnce(binary, dir, await freePort());
    } catch (err) {
      lastError = err as LaunchError;
      if (!lastError.portTaken) break;
    }
  }
  if (!launched) {
    const hint =
      lastError?.code === 'ENOENT' || lastError?.code === 'EACCES'
        ? `${HOW_TO_GET_REDIS}.`
        : `Check that ${dir} is writable and its AOF files are intact.`;
    throw new RedisStartError(
      `The embedded Redis (${binary}) did not start with data in ${dir}: ${lastError?.message ?? 'unknown error'}. ${hint}`,
    );
  }

  const { child, port } = launched;
  const url = `redis://127.0.0.1:${port}`;
  const pid = child.pid ?? null;
  const watchdog = pid ? startWatchdog(pid, opts.log) : null;
  let stopped = false;
  child.once('exit', (code, signal) => {
    watchdog?.kill();
    if (!stopped) opts.log?.error({ url, pid, code, signal }, 'the embedded Redis exited');
  });
  opts.log?.info({ url, pid, dir, binary, source }, 'embedded Redis started');
  const { connect, client, closeAll } = trackingConnector({ url }, 'rebalance-desk');
  return {
    kind: 'embedded',
    url,
    description: `embedded Redis (pid ${pid ?? 'unknown'})`,
    pid,
    connect,
    client,
    async stop() {
      if (stopped) return;
      stopped = true;
      await closeAll();
      if (child.exitCode === null && child.signalCode === null) {
        // SHUTDOWN works alike on every OS (a signal is a hard kill on Windows); the AOF is fsynced on every write.
        const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        admin.on('error', () => undefined);
        try {
          await admin.connect();
          await admin.call('SHUTDOWN').catch(() => undefined);
        } catch {
          child.kill('SIGTERM');
        } finally {
          admin.disconnect();
        }
        await waitForExit(child, 10_000);
      }
      watchdog?.kill();
      opts.log?.info({ url, pid }, 'embedded Redis stopped');
    },
  };
}

/** Connects to the external Redis (`url`, `sentinel` or `cluster`), or starts the embedded one in `<dataDir>/redis`. */
export async function startRedis(opts: StartRedisOptions): Promise<RedisHandle> {
  if (isExternal(opts)) return startExternal(opts, opts.log);
  return startEmbedded(opts);
}
