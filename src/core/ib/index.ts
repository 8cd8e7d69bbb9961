/** The IB client layer: the only importer of `@stoqey/ib` (PRODUCT.md §2, §9). */
export { IbClient, type IbClientOptions, type IbEvents, type IbPort } from './ib-client';
export {
  CLIENT_ID_MAX,
  CLIENT_ID_MIN,
  drawClientId,
  type ClientIdStore,
  type ConnectionState,
  type GatewayMessage,
  type IbStatus,
  type OrderIdStore,
} from './connection';
export type { ContractInfo } from './contracts';
export type { QuoteOptions } from './market-data';
export {
  isTerminalStatus,
  type ExecutionQuery,
  type FillRecord,
  type PlaceOrderRequest,
  type PlaceOrderType,
  type TrackedOrder,
  type WhatIfResult,
} from './orders';
export { FillTimeoutError, IbError, NoContractError } from './ib-errors';
