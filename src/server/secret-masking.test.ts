/**
 * §18: a password anywhere in a URL — here `redis.url`'s query (`?password=`, which ioredis accepts) and
 * `notifications.ntfyUrl`'s userinfo — never shows in stdout, the log file, `GET /api/health`, `GET /api/config` or
 * `GET /api/logs`, against a real Redis that requires the password.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../core/config/secrets';
import { SettingsStore } from '../core/config/settings-store';
import { startHeadless, type HeadlessHost } from './host';

const REDIS_PASSWORD = 'q@ss:w/rd%-redis-9137';
const NTFY_PASSWORD = 'ntfy-p@ss-4410';
const TOKEN = 'masking-test-token-0123456789abcdef';

let dir: string;
let redis: ChildProcess;
let redisPort: number;
let host: HeadlessHost | null = null;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rd-masking-'));
  redisPort = await freePort();
  redis = spawn(
    process.env.REDISMS_SYSTEM_BINARY ?? 'redis-server',
    [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--requirepass',
      REDIS_PASSWORD,
    ],
    { stdio: 'ignore' },
  );
  // Ready when it accepts a connection.
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(redisPort, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(async () => {
  await host?.stop();
  redis.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('passwords inside URLs', () => {
  it('shows none in stdout, the log file, health, config or logs', async () => {
    const dataDir = path.join(dir, 'data');
    const file = path.join(dir, 'settings.json');
    const redisUrl = `redis://127.0.0.1:${redisPort}/0?password=${encodeURIComponent(REDIS_PASSWORD)}`;
    writeFileSync(
      file,
      JSON.stringify({
        dataDir,
        redis: { url: redisUrl },
        ib: { port: 1, connectTimeoutMs: 200 },
        management: { port: 0, token: TOKEN },
        notifications: { ntfyUrl: `https://alice:${encodeURIComponent(NTFY_PASSWORD)}@ntfy.invalid/`, ntfyTopic: 't' },
      }),
    );
    const settingsStore = new SettingsStore(file, new MemorySecretStore());
    const loadOutcome = await settingsStore.load();
    let stdout = '';
    const out = Object.assign(
      new Writable({
        write(chunk: Buffer, _e, done) {
          stdout += chunk.toString('utf8');
          done();
        },
      }),
      { isTTY: false },
    );
    host = await startHeadless({ settingsStore, loadOutcome, dataDir, logToStdout: out, staticRoot: null });
    const get = async (route: string) => {
      const res = await fetch(`${host!.url}api/${route}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status, route).toBe(200);
      return res.text();
    };
    const health = await get('health');
    expect(JSON.parse(health).redis.state).toBe('green');
    const config = await get('config');
    const logs = await get('logs?limit=1000');
    expect(logs).toContain('connected to external Redis');
    await host.stop();
    host = null;
    const logFile = readFileSync(path.join(dataDir, 'logs', 'rebalance-desk.log'), 'utf8');
    expect(stdout).toContain('connected to external Redis');
    const places = { stdout, logFile, health, config, logs };
    for (const [place, text] of Object.entries(places)) {
      for (const secret of [REDIS_PASSWORD, NTFY_PASSWORD]) {
        for (const form of [
          secret,
          encodeURIComponent(secret),
          secret.slice(0, 6),
          encodeURIComponent(secret).slice(0, 8),
        ]) {
          expect(text, `${place} shows ${form}`).not.toContain(form);
        }
      }
    }
    expect(JSON.parse(config).settings.redis.url).toBe(`redis://127.0.0.1:${redisPort}/0?password=••••••••`);
    expect(JSON.parse(config).settings.notifications.ntfyUrl).toBe('https://alice:••••••••@ntfy.invalid/');
  }, 60_000);
});
