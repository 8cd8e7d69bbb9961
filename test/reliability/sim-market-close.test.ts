/**
 * Issue #24: a torture run that crossed 16:00 US/Eastern on a weekday saw no rebalance order for 120 s. The core keeps
 * a contract's hours for the trading day (core/ib/contracts.ts) and, before trading, checks them (§8 step 11); the
 * simulated gateway, told the market is open, keeps filling orders after 16:00, but the hours it had answered during
 * the regular session ended at 16:00. Every rebalance checked just after 16:00 with hours read just before it was
 * delayed `market-closed` to the next open — on a Friday, Monday 09:30 — and a duplicate signal cannot replace a
 * waiting one, so those accounts never traded again in the run.
 *
 * The simulator's open market now stays open, by the hours it answers, until 03:00 the next day whenever they were read.
 */
import { describe, expect, it } from 'vitest';
import { isOpen, nextOpen } from '../../src/core/domain/market-hours';
import { tradingSchedule } from '../../src/sim/gateway/market-hours';

/** Friday 4 December 2026 at `hhmmss` US/Eastern (EST, UTC−5). */
const friday = (hhmmss: string): Date => new Date(`2026-12-04T${hhmmss}-05:00`);

describe("the simulator's market hours against the core's market-hours check", () => {
  it('hours read a second before 16:00 with the market open still say open after 16:00 (no delay to Monday)', () => {
    const read = tradingSchedule(friday('15:59:59'), true);
    for (const at of ['16:00:00', '16:00:01', '16:30:00', '23:59:59']) {
      expect(isOpen(read.liquidHours, 'US/Eastern', friday(at)), `liquid hours at ${at}`).toBe(true);
      expect(isOpen(read.tradingHours, 'US/Eastern', friday(at)), `trading hours at ${at}`).toBe(true);
    }
    // And still the regular open, so a reader sees a normal session start.
    expect(read.liquidHours.split(';')[0]).toBe('20261204:0930-20261205:0300');
  });

  it('hours read in the morning, before the regular session, stay open through it and past 16:00', () => {
    const read = tradingSchedule(friday('08:00:00'), true);
    for (const at of ['08:00:00', '09:30:00', '16:00:01', '20:00:01']) {
      expect(isOpen(read.liquidHours, 'US/Eastern', friday(at)), `liquid hours at ${at}`).toBe(true);
    }
  });

  it('a closed market is still closed by the hours it answers, and opens again at the next regular session', () => {
    const read = tradingSchedule(friday('15:59:59'), false);
    expect(isOpen(read.liquidHours, 'US/Eastern', friday('15:59:59'))).toBe(false);
    expect(nextOpen(read.liquidHours, 'US/Eastern', friday('15:59:59'))?.toISOString()).toBe(
      '2026-12-07T14:30:00.000Z',
    );
  });
});
