import { SimGatewayServer } from './server';
import type { SimGateway, SimGatewayOptions } from './types';

export type * from './types';
export { demoAccounts, demoState, demoSymbols } from './demo-state';
export { SimGatewayServer } from './server';

/** Starts the simulated IB Gateway on 127.0.0.1 (port 0 = a free port) and resolves once it listens. */
export async function startSimGateway(options: SimGatewayOptions = {}): Promise<SimGateway> {
  const gw = new SimGatewayServer(options);
  await gw.listen();
  return gw;
}
