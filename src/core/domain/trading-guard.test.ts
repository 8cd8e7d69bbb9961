import { describe, expect, it } from 'vitest';
import { tradingBlockReason } from './trading-guard';

const live = { accountId: 'U1234567', type: 'live' as const, enabled: true };
const paper = { accountId: 'DU123456', type: 'paper' as const, enabled: true };

describe('tradingBlockReason', () => {
  it('lets a live account trade only in live mode', () => {
    expect(tradingBlockReason(live, 'paper', 'rebalance')).toMatch(/live account but the app is in paper mode/);
    expect(tradingBlockReason(live, 'live', 'rebalance')).toBeNull();
  });

  it('lets a paper account trade only in paper mode', () => {
    expect(tradingBlockReason(paper, 'live', 'cancel-orders')).toMatch(/paper account/);
    expect(tradingBlockReason(paper, 'paper', 'cancel-orders')).toBeNull();
  });

  it('never trades a disabled account, but still answers read-only commands for it', () => {
    const off = { ...paper, enabled: false };
    expect(tradingBlockReason(off, 'paper', 'rebalance')).toMatch(/disabled/);
    expect(tradingBlockReason(off, 'paper', 'print-rebalance')).toBeNull();
    expect(tradingBlockReason(live, 'paper', 'print-positions')).toBeNull();
  });

  it('guards a raise-cash like a rebalance: its sells are orders (§27)', () => {
    expect(tradingBlockReason(live, 'paper', 'raise-cash')).toMatch(/live account but the app is in paper mode/);
    expect(tradingBlockReason({ ...paper, enabled: false }, 'paper', 'raise-cash')).toMatch(/disabled/);
    expect(tradingBlockReason(paper, 'paper', 'raise-cash')).toBeNull();
  });
});
