/**
 * Two realistic strategies for the demo and the tests, keyed by slug as the allocation API names them.
 */
import type { SimStrategy } from './server';

/** Demo strategies: a growth-tilted blend and a defensive blend of liquid US-listed ETFs, weights adding up to 1. */
export const DEMO_STRATEGIES: Record<string, SimStrategy> = {
  'etf-blend-200-35': {
    name: 'ETF Blend 200-35',
    asOf: '2025-06-24',
    allocations: [
      { symbol: 'SPY', weight: 0.2465 },
      { symbol: 'QQQ', weight: 0.1813 },
      { symbol: 'EDC', weight: 0.2141 },
      { symbol: 'GLD', weight: 0.1202 },
      { symbol: 'TLT', weight: 0.0918 },
      { symbol: 'DBC', weight: 0.0761 },
      { symbol: 'IEF', weight: 0.07 },
    ],
  },
  'etf-blend-101-15': {
    name: 'ETF Blend 101-15',
    asOf: '2025-06-24',
    allocations: [
      { symbol: 'VTI', weight: 0.3 },
      { symbol: 'IEF', weight: 0.22 },
      { symbol: 'TLT', weight: 0.15 },
      { symbol: 'GLD', weight: 0.12 },
      { symbol: 'DBC', weight: 0.08 },
      { symbol: 'SPY', weight: 0.07 },
      { symbol: 'QQQ', weight: 0.06 },
    ],
  },
};
