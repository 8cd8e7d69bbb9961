/**
 * Which event placed which order (§24 trade records name their event): the commands register each order id they
 * place, and every order status and fill the IB client reports is saved to the trade store under that event. A trade
 * of an order this core did not place keeps the event id it came with.
 */
import type { Logger } from 'pino';
import type { TradeRecord } from '../../shared/dto';

export class OrderEvents {
  private readonly byOrder = new Map<number, string>();

  /** The command's `trackOrder`: order `orderId` belongs to event `eventId`. */
  track(orderId: number, eventId: string): void {
    this.byOrder.set(orderId, eventId);
  }

  /** The trade with the event id of the order it belongs to. */
  withEvent(trade: TradeRecord): TradeRecord {
    return { ...trade, eventId: this.byOrder.get(trade.orderId ?? -1) ?? trade.eventId };
  }
}

/** The IB client's `order` and `fill` listener: saves each trade under its event; a failed save is logged. */
export function tradeRecorder(
  orderEvents: OrderEvents,
  trades: { add(trade: TradeRecord): Promise<void> },
  log: Pick<Logger, 'error'>,
): (trade: TradeRecord) => void {
  return (trade) => {
    trades
      .add(orderEvents.withEvent(trade))
      .catch((error: Error) => log.error({ err: error.message }, 'trade record not saved'));
  };
}
