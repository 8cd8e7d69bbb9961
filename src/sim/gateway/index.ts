import { GatewayContext } from './context';
import { SimGatewayControls } from './controls';
import { HANDLERS, wireEngine } from './handlers';
import { GatewayServer } from './server';
import type { SimGateway, SimGatewayOptions } from './types';

export type * from './types';
export { demoAccounts, demoState, demoSymbols } from './demo-state';
export { SimGatewayControls } from './controls';

/** Builds the simulated IB Gateway (not yet listening): shared context, engine pushes, server core, controls. */
export function createSimGateway(options: SimGatewayOptions = {}): SimGatewayControls {
  const ctx = new GatewayContext(options);
  wireEngine(ctx);
  return new SimGatewayControls(ctx, new GatewayServer(ctx, HANDLERS));
}

/** Starts the simulated IB Gateway on 127.0.0.1 (port 0 = a free port) and resolves once it listens. */
export async function startSimGateway(options: SimGatewayOptions = {}): Promise<SimGateway> {
  const gw = createSimGateway(options);
  await gw.listen();
  return gw;
}
