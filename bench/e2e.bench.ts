/**
 * §16 signal → all orders filled: one Zehnlabs signal (published on the fake Ably endpoint, so the real feed fans it
 * out) for 10 accounts following one strategy of 20 symbols, against the simulated gateway filling at once, through
 * the whole core (embedded Redis, queue, processor, real IB client over TCP). Wall time from the publish until every
 * account's rebalance is done, beside the pacing floor measured in the same run: the IB messages the client sent in
 * that window ÷ the client's rate limit (40 messages/s), and beside the fewest messages the work needs
 * (min_messages = 2 × orders + 2 × distinct symbols + 4: a what-if and an order per order, one market-data and one
 * contract request per symbol, account data and positions once for all accounts) ÷ 40/s. first_order_ms is the
 * publish until the first (non-what-if) order reaches the simulator. After the timed window, a fresh preview of
 * every account must plan nothing beyond one share, or the run fails. BENCH_E2E_TRACE=1 prints the messages sent, by
 * type, as they go during the first three seconds. `e2eRun` is shared with e2e-two-gateways.bench.ts (§28: the same
 * work with the accounts split over two simulated gateways, each with its own pacing budget).
 */
import { startFakeAbly, type FakeAbly } from '../src/sim/ably/fake-ably';
import { remainingOrders, startStack, type Stack } from '../test/support/stack';
import type { BenchResult } from './types';

process.env.REDISMS_SYSTEM_BINARY ??= '/usr/bin/redis-server';

const ACCOUNTS = Number(process.env.BENCH_E2E_ACCOUNTS ?? 10);
const RATE_LIMIT_PER_SEC = 40;
const STRATEGY = 'bench-twenty';
const SYMBOLS = [
  'SPY',
  'QQQ',
  'IWM',
  'VTI',
  'VOO',
  'TLT',
  'IEF',
  'SHY',
  'BIL',
  'GLD',
  'IAU',
  'SLV',
  'DBC',
  'EEM',
  'VWO',
  'EFA',
  'VEA',
  'VNQ',
  'XLE',
  'XLK',
];

function accountIdOf(i: number): string {
  return `DU${8_000_001 + i}`;
}

/** Resolves when every id has completed (queue change notifications); rejects on the first failure. */
function whenAllDone(stack: Stack, ids: string[], timeoutMs: number): Promise<void> {
  const waiting = new Set(ids);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${waiting.size} of ${ids.length} rebalances not done within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = stack.runtime.queue.onChange((change) => {
      if (!waiting.has(change.id)) return;
      if (change.to === 'delayed' || change.to === 'held') {
        clearTimeout(timer);
        off();
        void stack.runtime.queue
          .get(change.id)
          .then((d) =>
            reject(new Error(`${change.id} failed: ${d?.event.lastError?.kind}: ${d?.event.lastError?.message}`)),
          );
        return;
      }
      if (change.to === 'done') waiting.delete(change.id);
      if (waiting.size === 0) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

/** What one e2e run measured; per gateway when the accounts are split over several (§28). */
export interface E2eRun {
  wallMs: number;
  /** IB messages sent in the window, all gateways together. */
  messages: number;
  /** Per gateway id: messages sent in the window and pacing violations the simulator saw. */
  byGateway: Record<string, { messages: number; pacingViolations: number; orders: number }>;
  orders: number;
  symbols: number;
  firstOrderMs: number;
  stats: string;
}

/**
 * One signal for ACCOUNTS accounts, timed from the publish until every rebalance is done. `gatewayOf(i)` puts account
 * i on a gateway ("default" or another id, each a simulator and a connection of its own).
 */
export async function e2eRun(gatewayOf: (i: number) => string = () => 'default'): Promise<E2eRun> {
  let fake: FakeAbly | null = null;
  let stack: Stack | null = null;
  try {
    fake = await startFakeAbly();
    const weights = SYMBOLS.map((symbol, i) => ({ symbol, weight: i < 10 ? 0.06 : 0.039 }));
    stack = await startStack({
      strategies: { [STRATEGY]: { allocations: weights } },
      accounts: Array.from({ length: ACCOUNTS }, (_, i) => ({
        accountId: accountIdOf(i),
        cash: 150_000 + i * 10_000,
        // Half the accounts hold something the strategy does not (sold first), the rest start in cash.
        positions:
          i % 2 === 0
            ? [
                { symbol: 'TQQQ', quantity: 200, avgCost: 90 },
                { symbol: 'SPY', quantity: 40, avgCost: 600 },
              ]
            : [],
        strategy: STRATEGY,
        ...(gatewayOf(i) === 'default' ? {} : { gateway: gatewayOf(i) }),
      })),
      settings: {
        zehnlabs: {
          realtimeApiKey: 'bench.key:secret',
          realtime: { ...fake.endpointOptions(), logLevel: 0 } as Record<string, unknown>,
        },
        ib: { requestTimeoutMs: 10_000 },
        orders: { fillTimeoutMs: 30_000 },
        queue: { retryDelayMs: 60_000 },
        logLevel: 'warn',
      },
    });
    const gateway = stack.gateway;
    const sims = Object.entries(stack.gateways);
    const ibs = stack.runtime.gateways.list();
    const feedReady = Date.now() + 15_000;
    while (!fake.attachedChannels().includes(STRATEGY) || ibs.some((g) => g.ib.state !== 'connected')) {
      if (Date.now() > feedReady) throw new Error('feed or gateway not ready');
      await new Promise((r) => setTimeout(r, 20));
    }
    // Let the start-up catch-up and connection chatter settle so the window holds only the signal's work.
    await stack.runtime.feed.idle();
    await new Promise((r) => setTimeout(r, 500));

    const eventId = `bench-${Date.now()}`;
    const ids = Array.from({ length: ACCOUNTS }, (_, i) => `${eventId}:${accountIdOf(i)}`);
    const before = new Map(sims.map(([id, sim]) => [id, sim.messageStats()]));
    const allDone = whenAllDone(stack, ids, 300_000);
    const started = performance.now();
    const publishedAt = Date.now();
    fake.publish(STRATEGY, { exec: 'rebalance', eventId });
    if (process.env.BENCH_E2E_TRACE) {
      let prev = JSON.stringify(gateway.messageStats().byMsgId);
      const t = setInterval(() => {
        const now = JSON.stringify(gateway.messageStats().byMsgId);
        if (now !== prev) console.log(Date.now() - publishedAt, now);
        prev = now;
      }, 25);
      setTimeout(() => clearInterval(t), 3000);
    }
    await allDone;
    const wallMs = performance.now() - started;
    const byGateway: E2eRun['byGateway'] = {};
    for (const [id, sim] of sims) {
      const now = sim.messageStats();
      byGateway[id] = {
        messages: now.total - (before.get(id)?.total ?? 0),
        pacingViolations: now.pacingViolations - (before.get(id)?.pacingViolations ?? 0),
        orders: sim.orders().filter((o) => !o.whatIf && o.orderRef.startsWith(`rd:${eventId}`)).length,
      };
    }
    const messages = Object.values(byGateway).reduce((sum, g) => sum + g.messages, 0);
    const stats = sims.map(([id, sim]) => `${id} ${JSON.stringify(sim.messageStats().byMsgId)}`).join('; ');

    for (let i = 0; i < ACCOUNTS; i++) {
      const off = (await remainingOrders(stack, accountIdOf(i))).filter((r) => Math.abs(r.delta) > 1);
      if (off.length > 0) throw new Error(`${accountIdOf(i)} is not at target: ${JSON.stringify(off)}`);
    }
    const placed = sims.flatMap(([, sim]) =>
      sim.orders().filter((o) => !o.whatIf && o.orderRef.startsWith(`rd:${eventId}`)),
    );
    const orders = placed.length;
    const firstOrderMs = Math.min(...placed.map((o) => o.placedAt)) - publishedAt;
    const symbols = new Set(placed.map((o) => o.symbol)).size;
    return { wallMs, messages, byGateway, orders, symbols, firstOrderMs, stats };
  } finally {
    await stack?.stop();
    await fake?.stop();
  }
}

export default async function run(): Promise<BenchResult[]> {
  const { wallMs, messages, byGateway, orders, symbols, firstOrderMs, stats } = await e2eRun();
  const floorMs = (messages / RATE_LIMIT_PER_SEC) * 1000;
  const pacingViolations = byGateway.default?.pacingViolations ?? 0;
  const minMessages = 2 * orders + 2 * symbols + 4;
  const minMs = (minMessages / RATE_LIMIT_PER_SEC) * 1000;
  console.log(
    `e2e: ${ACCOUNTS} accounts × ${SYMBOLS.length} symbols: ${orders} orders, ${messages} IB messages ` +
      `(${stats} overall), wall ${Math.round(wallMs)} ms, floor ${Math.round(floorMs)} ms, ` +
      `pacing violations ${pacingViolations}; min ${minMessages} messages (${symbols} symbols) = ` +
      `${Math.round(minMs)} ms; first order after ${firstOrderMs} ms`,
  );
  return [
    {
      key: 'e2e.wall_ms',
      value: wallMs,
      unit: 'ms',
      label: `signal → ${ACCOUNTS} accounts at target (${SYMBOLS.length} symbols)`,
    },
    {
      key: 'e2e.pacing_floor_ms',
      value: floorMs,
      unit: 'ms',
      label: `pacing floor (${messages} IB messages ÷ 40/s)`,
    },
    {
      key: 'e2e.ratio_to_floor',
      value: wallMs / floorMs,
      unit: '×',
      label: 'signal → filled vs pacing floor',
      target: '≤ 1.25',
    },
    { key: 'e2e.ib_messages', value: messages, unit: 'messages', label: 'IB messages sent in the window' },
    { key: 'e2e.orders', value: orders, unit: 'orders', label: 'orders placed (what-ifs not counted)' },
    { key: 'e2e.symbols', value: symbols, unit: 'symbols', label: 'distinct symbols traded' },
    {
      key: 'e2e.min_messages',
      value: minMessages,
      unit: 'messages',
      label: 'fewest messages the work needs (2 × orders + 2 × symbols + 4)',
    },
    {
      key: 'e2e.ratio_to_min',
      value: wallMs / minMs,
      unit: '×',
      label: 'signal → filled vs min_messages ÷ 40/s',
      target: '≤ 1.15',
    },
    {
      key: 'e2e.first_order_ms',
      value: firstOrderMs,
      unit: 'ms',
      label: 'signal published → first order at the gateway',
      target: '≤ 1000',
    },
  ];
}

export { ACCOUNTS, RATE_LIMIT_PER_SEC, SYMBOLS };
