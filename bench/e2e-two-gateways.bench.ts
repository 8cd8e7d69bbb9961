/**
 * §28 beside §16's end-to-end figure: the same signal for the same 10 accounts (20 symbols), the accounts split over
 * two simulated gateways (even-numbered on "default", odd-numbered on "spouse"), each login with its own connection
 * and its own pacing budget of 40 messages/s. The wall should come close to half the single-gateway wall
 * (`e2e.wall_ms`), since each gateway carries about half the messages. The pacing floor here is that of the busier
 * gateway (its messages ÷ 40/s); pacing violations are counted per gateway and must be 0.
 * Run alone: `node --import tsx --import ./scripts/raw-import.mjs bench/run.ts e2e-two-gateways`.
 */
import { ACCOUNTS, e2eRun, RATE_LIMIT_PER_SEC, SYMBOLS } from './e2e.bench';
import type { BenchResult } from './types';

export default async function run(): Promise<BenchResult[]> {
  const result = await e2eRun((i) => (i % 2 === 0 ? 'default' : 'spouse'));
  const gateways = Object.entries(result.byGateway);
  const violations = gateways.reduce((sum, [, g]) => sum + g.pacingViolations, 0);
  if (violations > 0) throw new Error(`pacing violations per gateway: ${JSON.stringify(result.byGateway)}`);
  const busiest = Math.max(...gateways.map(([, g]) => g.messages));
  const floorMs = (busiest / RATE_LIMIT_PER_SEC) * 1000;
  console.log(
    `e2e two gateways: ${ACCOUNTS} accounts × ${SYMBOLS.length} symbols over ${gateways.length} gateways: ` +
      gateways.map(([id, g]) => `${id} ${g.orders} orders, ${g.messages} messages`).join('; ') +
      `; wall ${Math.round(result.wallMs)} ms, floor of the busier gateway ${Math.round(floorMs)} ms; ` +
      `first order after ${result.firstOrderMs} ms`,
  );
  return [
    {
      key: 'e2e.two_gateways_wall_ms',
      value: result.wallMs,
      unit: 'ms',
      label: `signal → ${ACCOUNTS} accounts at target over two gateways`,
      target: '≈ ½ e2e.wall_ms',
    },
    {
      key: 'e2e.two_gateways_pacing_floor_ms',
      value: floorMs,
      unit: 'ms',
      label: `pacing floor of the busier gateway (${busiest} IB messages ÷ 40/s)`,
    },
    ...gateways.map(([id, g]) => ({
      key: `e2e.two_gateways_messages_${id}`,
      value: g.messages,
      unit: 'messages',
      label: `IB messages sent to gateway ${id} (${g.orders} orders)`,
    })),
  ];
}
