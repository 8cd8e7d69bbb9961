/**
 * Which event placed which order (§24 trade records name their event): the commands register each order id they
 * place, and every order status and fill the IB client reports is saved to the trade store under that event. A trade
 * of an order this core did not place keeps the event id it came with. §28: order ids are counted per gateway (two
 * logins may both hand out order id 7), so each gateway's orders are kept apart.
 */
import type { Logger } from 'pino';
import type { TradeRecord } from '../../shared/dto';
import { DEFAULT_GATEWAY } from '../../shared/gateways';

export class OrderEvents {
  private readonly byOrder = new Map<string, string>();

  /** The command's `trackOrder`: order `orderId` of gateway `gateway` belongs to event `eventId`. */
  track(orderId: number, eventId: string, gateway: string = DEFAULT_GATEWAY): void {
    this.byOrder.set(`${gateway}:${orderId}`, eventId);
  }

  /** The trade (reported by gateway `gateway`) with the event id of the order it belongs to. */
  withEvent(trade: TradeRecord, gateway: string = DEFAULT_GATEWAY): TradeRecord {
    const eventId = trade.orderId === null ? undefined : this.byOrder.get(`${gateway}:${trade.orderId}`);
    return { ...trade, eventId: eventId ?? trade.eventId };
  }
}

/** The IB client's `order` and `fill` listener (of gateway `gateway`): saves each trade under its event; a failed save is logged. */
export function tradeRecorder(
  orderEvents: OrderEvents,
  trades: { add(trade: TradeRecord): Promise<void> },
  log: Pick<Logger, 'error'>,
  gateway: string = DEFAULT_GATEWAY,
): (trade: TradeRecord) => void {
  return (trade) => {
    trades
      .add(orderEvents.withEvent(trade, gateway))
      .catch((error: Error) => log.error({ err: error.message }, 'trade record not saved'));
  };
}
