import { describe, expect, it } from 'vitest';
import type { EventRecord, Plan, PlanRow } from '../../shared/dto';
import { accountSchema } from '../config/schema';
import { AwaitingApproval, approvalGate, planHash } from './approval';

const row = (symbol: string, order: PlanRow['order']): PlanRow => ({
  symbol,
  currentShares: 0,
  currentValue: 0,
  currentWeight: 0,
  targetWeight: 0.5,
  targetShares: 10,
  price: 100,
  delta: 10,
  order,
  estimatedValue: order ? order.quantity * 100 : 0,
});

const planWith = (...rows: PlanRow[]): Plan => ({
  accountId: 'DU1',
  strategy: 's',
  asOf: null,
  netLiquidation: 10_000,
  accountCash: 10_000,
  cashReservePercent: 1,
  investable: 9_900,
  rows,
  warnings: [],
  createdAt: '2026-03-02T15:00:00.000Z',
});

const account = (approval: 'auto' | 'confirm' | 'timer', approvalMinutes = 10) =>
  accountSchema.parse({ accountId: 'DU111', strategy: 's', approval, approvalMinutes });

const event = (extra: Partial<EventRecord> = {}): EventRecord => ({
  id: 'e1',
  eventId: 'e1',
  accountId: 'DU1',
  command: 'rebalance',
  strategy: 's',
  source: 'zehnlabs',
  payload: {},
  status: 'active',
  timesQueued: 1,
  createdAt: '',
  updatedAt: '',
  nextAttemptAt: null,
  lastError: null,
  result: null,
  ...extra,
});

const now = new Date('2026-03-02T15:00:00.000Z');
const buy10 = planWith(row('SPY', { side: 'BUY', quantity: 10 }));

function thrown(fn: () => void): AwaitingApproval {
  try {
    fn();
  } catch (e) {
    if (e instanceof AwaitingApproval) return e;
    throw e;
  }
  throw new Error('did not wait for approval');
}

describe('approvalGate', () => {
  it('lets an account on auto trade at once, and a plan without orders on any setting', () => {
    expect(() => approvalGate(event(), account('auto'), buy10, now)).not.toThrow();
    expect(() => approvalGate(event(), account('confirm'), planWith(row('SPY', null)), now)).not.toThrow();
  });

  it('makes a confirm account wait without a timer, a timer account with approvalMinutes (fractions too)', () => {
    const c = thrown(() => approvalGate(event(), account('confirm'), buy10, now));
    expect(c.request.approval).toMatchObject({ autoApproveAt: null, minutes: null, planHash: planHash(buy10) });
    expect(c.request.result).toEqual({ command: 'rebalance', plan: buy10 });
    const t = thrown(() => approvalGate(event(), account('timer', 0.1), buy10, now));
    expect(t.request.approval).toMatchObject({ autoApproveAt: '2026-03-02T15:00:06.000Z', minutes: 0.1 });
  });

  it('trades an approved plan that still stands, and waits again with the note when it changed', () => {
    const approved = event({
      result: { plan: buy10 },
      approval: { requestedAt: '', autoApproveAt: null, planHash: planHash(buy10), minutes: null, approvedAt: 'x' },
    });
    const close = planWith(row('SPY', { side: 'BUY', quantity: 11 }));
    expect(() => approvalGate(approved, account('confirm'), close, now)).not.toThrow();
    const moved = planWith(row('SPY', { side: 'BUY', quantity: 8 }));
    const w = thrown(() => approvalGate(approved, account('confirm'), moved, now));
    expect(w.request.approval.note).toBe('plan changed since approval');
    expect(w.request.result).toMatchObject({ plan: moved, note: 'plan changed since approval' });
    expect(w.request.note).toContain('SPY: BUY 10 is now BUY 8');
  });

  it('hashes the orders, not their order in the plan', () => {
    const a = planWith(row('SPY', { side: 'BUY', quantity: 1 }), row('TLT', { side: 'SELL', quantity: 2 }));
    const b = planWith(row('TLT', { side: 'SELL', quantity: 2 }), row('SPY', { side: 'BUY', quantity: 1 }));
    expect(planHash(a)).toBe(planHash(b));
    expect(planHash(a)).not.toBe(planHash(buy10));
  });
});
