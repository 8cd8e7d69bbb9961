import type { SimAccount, SimSymbol } from './types';

const ETF_PRICES: ReadonlyArray<readonly [symbol: string, conId: number, exchange: string, last: number]> = [
  ['SPY', 756733, 'ARCA', 672.4],
  ['QQQ', 320227571, 'NASDAQ', 603.15],
  ['IWM', 9579970, 'ARCA', 243.8],
  ['VTI', 12340038, 'ARCA', 331.25],
  ['VOO', 136155102, 'ARCA', 618.5],
  ['TLT', 15547841, 'NASDAQ', 90.12],
  ['IEF', 15547816, 'NASDAQ', 96.44],
  ['SHY', 15547843, 'NASDAQ', 82.87],
  ['BIL', 45316929, 'ARCA', 91.56],
  ['GLD', 51529211, 'ARCA', 378.9],
  ['IAU', 46921589, 'ARCA', 77.45],
  ['SLV', 39039301, 'ARCA', 46.3],
  ['DBC', 27684038, 'ARCA', 22.61],
  ['PDBC', 234226568, 'NASDAQ', 13.28],
  ['EDC', 44629102, 'ARCA', 41.07],
  ['EEM', 11098384, 'ARCA', 52.35],
  ['VWO', 27684070, 'ARCA', 53.12],
  ['EFA', 5431891, 'ARCA', 93.4],
  ['VEA', 61253347, 'ARCA', 60.18],
  ['VNQ', 12340042, 'ARCA', 89.7],
  ['XLE', 4215220, 'ARCA', 89.95],
  ['XLK', 4215235, 'ARCA', 282.6],
  ['BND', 43645865, 'NASDAQ', 74.05],
  ['LQD', 9579959, 'ARCA', 110.9],
  ['TQQQ', 72539702, 'NASDAQ', 101.3],
  ['UPRO', 72539739, 'ARCA', 110.45],
];

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Demo symbols: common ETFs with realistic quotes (1-2 cent spreads). */
export function demoSymbols(): SimSymbol[] {
  return ETF_PRICES.map(([symbol, conId, primaryExchange, last]) => {
    const half = last >= 200 ? 0.02 : 0.01;
    return {
      symbol,
      conId,
      primaryExchange,
      currency: 'USD',
      bid: round2(last - half),
      ask: round2(last + half),
      last,
      close: round2(last * 0.996),
      minTick: 0.01,
    };
  });
}

/** Demo paper accounts: one margin and one cash account with ETF positions. */
export function demoAccounts(): SimAccount[] {
  return [
    {
      accountId: 'DU1000001',
      kind: 'margin',
      cash: 100_000,
      positions: [
        { symbol: 'SPY', quantity: 50, avgCost: 601.12 },
        // Dividend reinvestment leaves fractions: the rebalance sells whole shares and reports the 0.4 left (§23).
        { symbol: 'TLT', quantity: 200.4, avgCost: 92.35 },
        { symbol: 'GLD', quantity: 30, avgCost: 301.4 },
      ],
    },
    {
      accountId: 'DU1000002',
      kind: 'cash',
      cash: 50_000,
      positions: [
        { symbol: 'QQQ', quantity: 20, avgCost: 548.9 },
        { symbol: 'IEF', quantity: 100, avgCost: 95.1 },
      ],
    },
  ];
}

/** The complete default state of the simulator. */
export function demoState(): { accounts: SimAccount[]; symbols: SimSymbol[] } {
  return { accounts: demoAccounts(), symbols: demoSymbols() };
}
