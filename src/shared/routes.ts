/**
 * Method and path of every management operation (PRODUCT.md §11): the half of the contract without schemas, so the
 * window's HTTP client can build requests without loading zod. `contract.ts` adds input schemas and output types to
 * exactly these names (a missing or extra operation is a compile error there).
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export const ROUTES = {
  health: { method: 'GET', path: '/api/health' },
  queueStatus: { method: 'GET', path: '/api/queue/status' },
  queuePage: { method: 'GET', path: '/api/queue/page' },
  listEvents: { method: 'GET', path: '/api/queue/events' },
  getEvent: { method: 'GET', path: '/api/queue/events/:id' },
  enqueue: { method: 'POST', path: '/api/queue/events' },
  retry: { method: 'POST', path: '/api/queue/events/:id/retry' },
  hold: { method: 'POST', path: '/api/queue/events/:id/hold' },
  release: { method: 'POST', path: '/api/queue/events/:id/release' },
  delete: { method: 'DELETE', path: '/api/queue/events/:id' },
  approve: { method: 'POST', path: '/api/queue/events/:id/approve' },
  reject: { method: 'POST', path: '/api/queue/events/:id/reject' },
  pause: { method: 'POST', path: '/api/queue/pause' },
  resume: { method: 'POST', path: '/api/queue/resume' },
  accounts: { method: 'GET', path: '/api/accounts' },
  runCommand: { method: 'POST', path: '/api/accounts/:accountId/commands/:command' },
  runCommandAll: { method: 'POST', path: '/api/accounts/commands/:command' },
  accountHistory: { method: 'GET', path: '/api/accounts/:accountId/history' },
  logs: { method: 'GET', path: '/api/logs' },
  trades: { method: 'GET', path: '/api/trades' },
  reports: { method: 'GET', path: '/api/reports' },
  listCashFlows: { method: 'GET', path: '/api/cash-flows' },
  feedLog: { method: 'GET', path: '/api/feed/log' },
  strategies: { method: 'GET', path: '/api/strategies' },
  getConfig: { method: 'GET', path: '/api/config' },
  putConfig: { method: 'PUT', path: '/api/config' },
  checkSetup: { method: 'POST', path: '/api/setup/check' },
  setupProgress: { method: 'GET', path: '/api/setup' },
  publishSignal: { method: 'POST', path: '/api/demo/signal' },
  simulatorControl: { method: 'POST', path: '/api/demo/gateway' },
} as const satisfies Record<string, { method: HttpMethod; path: string }>;

export type RouteName = keyof typeof ROUTES;
