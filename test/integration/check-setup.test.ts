/**
 * §29 Check setup against the simulator set to fail each check: through the running core (`checkSetup`, results
 * pushed as they finish) and through the `check` command (its table and exit code).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SetupCheck, SetupCheckId, SetupCheckReport, StreamMessage } from '../../src/shared/contract';
import { startRedis } from '../../src/core/redis/redis-server';
import { runCheckCommand } from '../../src/server/check-command';
import { startFakeAbly, type FakeAbly } from '../../src/sim/ably/fake-ably';
import { startStack, type Stack } from '../support/stack';

const ACCOUNT = 'DU1000001';
const KEY = 'app.key:secret';

let stack: Stack;
let ably: FakeAbly;

function byId(report: SetupCheckReport, id: SetupCheckId): SetupCheck {
  const check = report.checks.find((c) => c.id === id);
  if (!check) throw new Error(`no ${id} check in ${JSON.stringify(report.checks.map((c) => c.id))}`);
  return check;
}

function failed(report: SetupCheckReport): SetupCheckId[] {
  return report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
}

beforeAll(async () => {
  ably = await startFakeAbly({ keys: [KEY] });
  stack = await startStack({
    strategies: {
      blend: {
        allocations: [
          { symbol: 'SPY', weight: 0.6 },
          { symbol: 'TLT', weight: 0.4 },
        ],
      },
    },
    accounts: [{ accountId: ACCOUNT, cash: 100_000, strategy: 'blend' }],
    settings: {
      zehnlabs: {
        realtimeApiKey: KEY,
        realtime: { ...ably.endpointOptions(), logLevel: 0 } as Record<string, unknown>,
      },
    },
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  await ably?.stop();
});

describe('Check setup in the running core', () => {
  it('passes on a good setup, pushing every check to the window as it finishes', async () => {
    const pushed: StreamMessage[] = [];
    const unsubscribe = stack.runtime.subscribe((m) => pushed.push(m));
    const report = await stack.runtime.handlers.checkSetup({});
    unsubscribe();
    expect(report.checks.map((c) => c.id)).toEqual([
      'redis',
      'ib-reachable',
      'ib-logged-in',
      'ib-accounts',
      'ib-read-only',
      'ib-precautions',
      'market-data',
      'clock',
      'allocations',
      'realtime',
      'disk',
    ]);
    expect(report.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(byId(report, 'market-data').detail).toBe('live: SPY, TLT');
    const streamed = pushed.flatMap((m) => (m.type === 'setup-check' ? [m] : []));
    expect(streamed.map((m) => m.check.id).sort()).toEqual(report.checks.map((c) => c.id).sort());
    expect(new Set(streamed.map((m) => m.at))).toEqual(new Set([report.at]));
    // What-ifs only: nothing was placed for real.
    expect(stack.gateway.orders().filter((o) => !o.whatIf)).toEqual([]);
  }, 60_000);

  it('fails ib-read-only when the API is read-only, naming the setting to untick', async () => {
    stack.gateway.configure({ readOnlyApi: true });
    try {
      const report = await stack.runtime.handlers.checkSetup({});
      const check = byId(report, 'ib-read-only');
      expect(check.status).toBe('fail');
      expect(check.detail).toContain('Read-Only');
      expect(check.fix).toContain('Configure › Settings › API › Settings');
      expect(check.fix).toContain('untick "Read-Only API"');
    } finally {
      stack.gateway.configure({ readOnlyApi: false });
    }
  }, 60_000);

  it('fails ib-precautions when the largest planned order exceeds a precaution limit', async () => {
    stack.gateway.configure({ totalValueLimit: 5_000 });
    try {
      const report = await stack.runtime.handlers.checkSetup({});
      expect(byId(report, 'ib-read-only').status).toBe('ok'); // one share is under the limit
      const check = byId(report, 'ib-precautions');
      expect(check.status).toBe('fail');
      // 99 % of 100 000 × 0.6 at SPY's ask: the largest buy of the plan.
      expect(check.detail).toMatch(/BUY \d+ SPY .*Total Value Limit/);
      expect(check.fix).toContain('Bypass Order Precautions for API Orders');
      expect(failed(report)).toEqual(['ib-precautions']);
    } finally {
      stack.gateway.configure({ totalValueLimit: null });
    }
  }, 60_000);

  it('warns on delayed-only market data and fails on none, with the subscription to buy', async () => {
    stack.gateway.configure({ marketDataBySymbol: { TLT: 'delayed-only' } });
    try {
      const delayed = byId(await stack.runtime.handlers.checkSetup({}), 'market-data');
      expect(delayed.status).toBe('warn');
      expect(delayed.detail).toBe('live: SPY; delayed only: TLT');
      expect(delayed.fix).toContain('Market Data Subscriptions');

      stack.gateway.configure({ marketDataBySymbol: { TLT: 'none' } });
      const none = byId(await stack.runtime.handlers.checkSetup({}), 'market-data');
      expect(none.status).toBe('fail');
      expect(none.detail).toContain('none: TLT');
      expect(none.fix).toContain('Market Data Subscriptions');
    } finally {
      stack.gateway.configure({ marketDataBySymbol: {} });
    }
    // The session's own prices are live again after the probes.
    const quotes = await stack.runtime.ib.getQuotes(['SPY']);
    expect(quotes.get('SPY')?.marketDataType).toBe(1);
  }, 60_000);

  it("fails clock when this computer's clock is off IB's by more than 2 s", async () => {
    stack.gateway.configure({ clockSkewMs: 10_000 });
    try {
      const check = byId(await stack.runtime.handlers.checkSetup({}), 'clock');
      expect(check.status).toBe('fail');
      expect(check.detail).toMatch(/clock is (9|10)\.\d s behind IB's server time/);
      expect(check.fix).toContain('synchronise automatically');
    } finally {
      stack.gateway.configure({ clockSkewMs: 0 });
    }
  }, 60_000);

  it('fails ib-logged-in when IB Gateway runs but nobody is logged in, and checks nothing that needs a log-in', async () => {
    stack.gateway.setLoggedIn(false);
    try {
      await vi.waitFor(() => expect(stack.runtime.ib.status().accounts).toEqual([]), { timeout: 5_000 });
      const report = await stack.runtime.handlers.checkSetup({});
      const check = byId(report, 'ib-logged-in');
      expect(check.status).toBe('fail');
      expect(check.fix).toContain('approve the IB Key two-factor prompt');
      expect(byId(report, 'ib-read-only').detail).toBe('not checked: nobody is logged in to IB Gateway');
    } finally {
      stack.gateway.setLoggedIn(true);
    }
    await vi.waitFor(() => expect(stack.runtime.ib.status().accounts).toEqual([ACCOUNT]), { timeout: 5_000 });
  }, 60_000);

  it('fails ib-logged-in on a competing session of the same username (10197), with the fix to log it out', async () => {
    stack.gateway.setCompetingSession(true);
    try {
      await vi.waitFor(() => expect(stack.runtime.ib.status().problem?.code).toBe(10197), { timeout: 5_000 });
      const check = byId(await stack.runtime.handlers.checkSetup({}), 'ib-logged-in');
      expect(check.status).toBe('fail');
      expect(check.fix).toContain('Log out of the other session that uses the same IBKR username');
    } finally {
      stack.gateway.setCompetingSession(false);
    }
  }, 60_000);
});

describe('check --config FILE', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rd-check-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function runWith(changes: Record<string, unknown>): Promise<{ code: number; output: string }> {
    const file = join(dir, `settings-${Math.random().toString(36).slice(2)}.json`);
    const base = stack.settingsInput as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...base, dataDir: dir, ...changes }));
    const lines: string[] = [];
    const code = await runCheckCommand({ configFile: file, out: (l) => lines.push(l), err: () => undefined });
    return { code, output: lines.join('\n') };
  }

  it('exits 2 naming a settings file that is not there, and checks nothing', async () => {
    const problems: string[] = [];
    const lines: string[] = [];
    const missing = join(dir, 'no-such-settings.json');
    const code = await runCheckCommand({
      configFile: missing,
      out: (l) => lines.push(l),
      err: (l) => problems.push(l),
    });
    expect(code).toBe(2);
    expect(problems).toEqual([
      `settings: ${missing} does not exist; pass the settings file the app uses with --config FILE`,
    ]);
    expect(lines).toEqual([]);
  });

  it('exits 0 when every check is ok or a warning', async () => {
    stack.gateway.configure({ marketDataBySymbol: { TLT: 'delayed-only' } });
    try {
      const { code, output } = await runWith({});
      expect(output).toMatch(/^WARN {2}market-data/m);
      expect(output).not.toMatch(/^FAIL/m);
      expect(output).toMatch(/^ok {4}ib-read-only/m);
      expect(code).toBe(0);
    } finally {
      stack.gateway.configure({ marketDataBySymbol: {} });
    }
  }, 60_000);

  it('exits 1 naming a stopped Redis, an unmanaged account and a wrong allocations key, each with its fix', async () => {
    const redisDir = await mkdtemp(join(tmpdir(), 'rd-check-redis-'));
    const redis = await startRedis({ dataDir: redisDir });
    const url = redis.url;
    await redis.stop();
    const settings = stack.settingsInput;
    try {
      const { code, output } = await runWith({
        redis: { url },
        zehnlabs: { ...settings.zehnlabs, allocationsApiKey: 'wrong-key' },
        accounts: [
          ...(settings.accounts ?? []),
          { accountId: 'DU7777777', name: 'Other login', type: 'paper', strategy: 'blend' },
        ],
      });
      expect(code).toBe(1);
      expect(output).toMatch(/^FAIL {2}redis .*not reachable/m);
      expect(output).toContain('fix: Start the Redis named in Settings › Storage and Redis');
      expect(output).toMatch(/^FAIL {2}ib-accounts .*Other login \(DU7777777\) is not managed by this login/m);
      expect(output).toContain('fix: Log in to IB Gateway with the username that manages every account');
      expect(output).toMatch(/^FAIL {2}allocations .*blend: .*401/m);
      expect(output).toContain('fix: Check the allocations API key in Settings › Zehnlabs');
    } finally {
      await rm(redisDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('the command itself exits 1 on a fail (the CLI process)', async () => {
    const file = join(dir, 'unreachable.json');
    await writeFile(
      file,
      JSON.stringify({ ...stack.settingsInput, dataDir: dir, ib: { ...stack.settingsInput.ib, port: 1 } }),
    );
    const root = join(import.meta.dirname, '../..');
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--import', './scripts/raw-import.mjs', 'src/server/cli.ts', 'check', '--config', file],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (exit) => resolve({ code: exit, stdout: out }));
    });
    expect(stdout).toMatch(/^FAIL {2}ib-reachable/m);
    expect(code).toBe(1);
  }, 90_000);

  it('exits 1 when IB Gateway is not reachable, and says the IB checks were not made', async () => {
    const settings = stack.settingsInput;
    const { code, output } = await runWith({ ib: { ...settings.ib, port: 1 } });
    expect(code).toBe(1);
    expect(output).toMatch(/^FAIL {2}ib-reachable .*127\.0\.0\.1:1/m);
    expect(output).toContain('tick "Enable ActiveX and Socket Clients", set "Socket port" to 1');
    expect(output).toMatch(/^WARN {2}clock .*not checked: IB Gateway is not reachable/m);
  }, 60_000);

  it('exits 1 on a realtime key the feed refuses, and on none, each with its fix', async () => {
    const settings = stack.settingsInput;
    const wrong = await runWith({ zehnlabs: { ...settings.zehnlabs, realtimeApiKey: 'app.key:wrong' } });
    expect(wrong.code).toBe(1);
    expect(wrong.output).toMatch(/^FAIL {2}realtime .*the feed did not connect/m);
    expect(wrong.output).toContain('fix: Check the realtime API key in Settings › Zehnlabs');
    const none = await runWith({ zehnlabs: { ...settings.zehnlabs, realtimeApiKey: '' } });
    expect(none.code).toBe(1);
    expect(none.output).toMatch(/^FAIL {2}realtime .*no realtime API key is set/m);
    expect(none.output).toContain('fix: Paste the realtime API key Zehnlabs gave you');
  }, 60_000);

  it('exits 1 on an account whose type does not match its id (a live id set as paper), with the fix', async () => {
    const settings = stack.settingsInput;
    const { code, output } = await runWith({
      accounts: [
        ...(settings.accounts ?? []),
        { accountId: 'U7654321', name: 'Live IRA', type: 'paper', strategy: 'blend' },
      ],
    });
    expect(code).toBe(1);
    expect(output).toMatch(/^FAIL {2}ib-accounts .*Live IRA \(U7654321\) is set as paper but is a live account id/m);
    expect(output).toContain('Set each account’s type in Settings › Accounts to match its id');
  }, 60_000);
});
