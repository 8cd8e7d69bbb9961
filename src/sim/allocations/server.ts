/**
 * A simulated Zehnlabs allocation API (PRODUCT.md §2, §3) for tests and the demo: the real answer shapes on
 * `GET {url}/` and `GET {url}/{slug}/allocations`, with failures to order.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Allocation } from '../../shared/dto';

/** One strategy the simulator publishes. */
export interface SimStrategy {
  /** Provider name, e.g. `ETF Blend 200-35`; its slug should be the key it is stored under. */
  name: string;
  allocations: Allocation[];
  /** `yyyy-mm-dd`, answered as both `as_of` and `last_rebalance_on`. */
  asOf: string;
}

/** How the simulator misbehaves: HTTP 500, no answer at all, a non-JSON page, a body cut off mid-way, HTTP 401. */
export type SimAllocationFailure = null | '500' | 'timeout' | 'garbage' | 'truncated' | '401';

export interface SimAllocationsOptions {
  /** Keyed by slug. */
  strategies: Record<string, SimStrategy>;
  /** When set, requests without this `x-api-key` get HTTP 401. */
  apiKey?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
}

/** A running simulated allocation API. */
export interface SimAllocations {
  /** The `zehnlabs.allocationsUrl` to use, e.g. `http://127.0.0.1:40123/api/v1/strategies`. */
  url: string;
  port: number;
  /** Publishes new weights for a strategy (adds it when new); `asOf` defaults to the one it had. */
  setAllocations(slug: string, allocations: Allocation[], asOf?: string): void;
  setFailure(mode: SimAllocationFailure): void;
  /** Requests received so far. */
  requests(): number;
  stop(): Promise<void>;
}

const BASE_PATH = '/api/v1/strategies';

function nameOf(slug: string): string {
  return slug
    .split('-')
    .map((w) => (/^[a-z]/.test(w) ? w[0]?.toUpperCase() + w.slice(1) : w))
    .join(' ')
    .replace(/ (\d+) (\d+)$/, ' $1-$2');
}

/** Starts the simulated allocation API on 127.0.0.1 (port 0 = a free port). */
export async function startSimAllocations(options: SimAllocationsOptions): Promise<SimAllocations> {
  const strategies = new Map<string, SimStrategy>(
    Object.entries(options.strategies).map(([slug, s]) => [slug, { ...s, allocations: [...s.allocations] }]),
  );
  let failure: SimAllocationFailure = null;
  let count = 0;
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    count += 1;
    if (failure === 'timeout') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    const key = req.headers['x-api-key'];
    if (failure === '401' || (options.apiKey !== undefined && key !== options.apiKey)) {
      send(res, 401, { status: 'error', message: 'Unauthorized' });
      return;
    }
    if (failure === '500') {
      send(res, 500, { status: 'error', message: 'Internal Server Error' });
      return;
    }
    if (failure === 'garbage') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://sim').pathname.replace(/\/+$/, '');
    let body: unknown;
    if (req.method !== 'GET') {
      send(res, 405, { status: 'error', message: 'Method Not Allowed' });
      return;
    }
    if (path === BASE_PATH) {
      body = { strategies: [...strategies.values()].map((s) => ({ strategy_name: s.name })) };
    } else {
      const m = new RegExp(`^${BASE_PATH}/([^/]+)/allocations$`).exec(path);
      const strategy = m?.[1] === undefined ? undefined : strategies.get(decodeURIComponent(m[1]));
      if (!strategy) {
        send(res, 404, { status: 'error', message: 'Strategy not found' });
        return;
      }
      body = {
        status: 'success',
        data: {
          allocations: strategy.allocations.map((a) => ({ symbol: a.symbol, allocation: a.weight })),
          name: strategy.name,
          strategy_long_name: strategy.name,
          last_rebalance_on: strategy.asOf,
          as_of: strategy.asOf,
        },
      };
    }
    if (failure === 'truncated') {
      // Promise the whole body, send half of it, and drop the connection: a transfer cut off mid-way.
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.write(text.slice(0, Math.floor(text.length / 2)), () => res.destroy());
      return;
    }
    send(res, 200, body);
  };

  const server = createServer(answer);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${BASE_PATH}`,
    port,
    setAllocations(slug, allocations, asOf) {
      const before = strategies.get(slug);
      strategies.set(slug, {
        name: before?.name ?? nameOf(slug),
        allocations: [...allocations],
        asOf: asOf ?? before?.asOf ?? new Date(0).toISOString().slice(0, 10),
      });
    },
    setFailure(mode) {
      failure = mode;
    },
    requests: () => count,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
