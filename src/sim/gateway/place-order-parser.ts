import { FieldReader, UnderrunError } from './protocol';

/** The order terms placeOrder carries and OPEN_ORDER reports back (messages.ts OpenOrderInfo). */
export interface OrderTerms {
  orderId: number;
  action: string;
  totalQuantity: number;
  orderType: string;
  lmtPrice: number | null;
  auxPrice: number | null;
  tif: string;
  ocaGroup: string;
  account: string;
  orderRef: string;
  parentId: number;
  outsideRth: boolean;
  whatIf: boolean;
}

/** The placeOrder fields the simulator acts on; everything else is read and discarded. */
export interface ParsedOrder extends OrderTerms {
  contract: {
    conId: number;
    symbol: string;
    secType: string;
    exchange: string;
    primaryExch: string;
    currency: string;
    localSymbol: string;
  };
  transmit: boolean;
  cashQty: number | null;
  /** Fields left over after the layout was read (0 for a well-formed message). */
  leftover: number;
}

const MIN_PARSER_VERSION = 157;

const CONDITION_PRICE = 1;
const CONDITION_TIME = 3;
const CONDITION_MARGIN = 4;
const CONDITION_EXECUTION = 5;
const CONDITION_VOLUME = 6;
const CONDITION_PERCENT_CHANGE = 7;

function isPegBench(orderType: string): boolean {
  return orderType === 'PEG BENCH' || orderType === 'PEGBENCH';
}
function isPegBest(orderType: string): boolean {
  return orderType === 'PEG BEST' || orderType === 'PEGBEST';
}
function isPegMid(orderType: string): boolean {
  return orderType === 'PEG MID' || orderType === 'PEGMID';
}

/**
 * Reads a PLACE_ORDER message (after the message id) exactly as Java EClient.placeOrder writes it for
 * server versions 157–193; throws UnderrunError when fields are missing.
 */
export function parsePlaceOrder(r: FieldReader, sv: number): ParsedOrder {
  if (sv < MIN_PARSER_VERSION)
    throw new UnderrunError(`placeOrder parser supports server version ${MIN_PARSER_VERSION}+, got ${sv}`);
  const orderId = r.int();
  const conId = r.int();
  const symbol = r.str();
  const secType = r.str();
  r.str(); // lastTradeDateOrContractMonth
  r.str(); // strike
  r.str(); // right
  r.str(); // multiplier
  const exchange = r.str();
  const primaryExch = r.str();
  const currency = r.str();
  const localSymbol = r.str();
  r.str(); // tradingClass
  r.str(); // secIdType
  r.str(); // secId

  const action = r.str();
  const qtyStr = r.str().trim();
  const totalQuantity = qtyStr === '' ? 0 : Number.parseFloat(qtyStr);
  const orderType = r.str().trim().toUpperCase();
  const lmtPrice = r.double();
  const auxPrice = r.double();

  const tif = r.str();
  const ocaGroup = r.str();
  const account = r.str();
  r.str(); // openClose
  r.str(); // origin
  const orderRef = r.str();
  const transmit = r.bool();
  const parentId = r.int();
  r.str(); // blockOrder
  r.str(); // sweepToFill
  r.str(); // displaySize
  r.str(); // triggerMethod
  const outsideRth = r.bool();
  r.str(); // hidden

  if (secType.toUpperCase() === 'BAG') {
    const legs = r.int();
    for (let i = 0; i < legs; i++) r.skip(8);
    const orderLegs = r.int();
    for (let i = 0; i < orderLegs; i++) r.skip(1);
    const smartParams = r.int();
    for (let i = 0; i < smartParams; i++) r.skip(2);
  }

  r.str(); // deprecated sharesAllocation
  r.str(); // discretionaryAmt
  r.str(); // goodAfterTime
  r.str(); // goodTillDate
  r.skip(3); // faGroup, faMethod, faPercentage
  if (sv < 177) r.str(); // faProfile
  r.str(); // modelCode
  r.str(); // shortSaleSlot
  r.str(); // designatedLocation
  r.str(); // exemptCode ("" → -1)
  r.str(); // ocaType
  r.str(); // rule80A
  r.str(); // settlingFirm
  r.str(); // allOrNone
  r.str(); // minQty
  r.str(); // percentOffset
  r.str(); // eTradeOnly
  r.str(); // firmQuoteOnly
  r.str(); // nbboPriceCap
  r.str(); // auctionStrategy
  r.str(); // startingPrice
  r.str(); // stockRefPrice
  r.str(); // delta
  r.str(); // stockRangeLower
  r.str(); // stockRangeUpper
  r.str(); // overridePercentageConstraints
  r.str(); // volatility
  r.str(); // volatilityType
  const deltaNeutralOrderType = r.str();
  r.str(); // deltaNeutralAuxPrice
  if (deltaNeutralOrderType !== '') r.skip(8);
  r.str(); // continuousUpdate
  r.str(); // referencePriceType
  r.str(); // trailStopPrice
  r.str(); // trailingPercent
  r.str(); // scaleInitLevelSize
  r.str(); // scaleSubsLevelSize
  const scalePriceIncrement = r.double();
  if (scalePriceIncrement !== null && scalePriceIncrement > 0) r.skip(7);
  r.skip(3); // scaleTable, activeStartTime, activeStopTime
  const hedgeType = r.str();
  if (hedgeType !== '') r.str(); // hedgeParam
  r.str(); // optOutSmartRouting
  r.str(); // clearingAccount
  r.str(); // clearingIntent
  r.str(); // notHeld
  if (r.bool()) r.skip(3); // deltaNeutralContract conId, delta, price
  const algoStrategy = r.str();
  if (algoStrategy !== '') {
    const n = r.int();
    for (let i = 0; i < n; i++) r.skip(2);
  }
  r.str(); // algoId
  const whatIf = r.bool();
  r.str(); // orderMiscOptions
  r.str(); // solicited
  r.str(); // randomizeSize
  r.str(); // randomizePrice
  if (isPegBench(orderType)) r.skip(5);
  const nConditions = r.int();
  for (let i = 0; i < nConditions; i++) {
    const type = r.int();
    r.str(); // conjunction
    switch (type) {
      case CONDITION_EXECUTION:
        r.skip(3);
        break;
      case CONDITION_MARGIN:
      case CONDITION_TIME:
        r.skip(2);
        break;
      case CONDITION_PERCENT_CHANGE:
      case CONDITION_VOLUME:
        r.skip(4);
        break;
      case CONDITION_PRICE:
        r.skip(5);
        break;
      default:
        throw new UnderrunError(`unknown order condition type ${type}`);
    }
  }
  if (nConditions > 0) r.skip(2); // conditionsIgnoreRth, conditionsCancelOrder
  r.skip(7); // adjustedOrderType … adjustableTrailingUnit
  r.str(); // extOperator
  r.skip(2); // softDollarTier name, value
  const cashQty = r.double();
  r.skip(2); // mifid2DecisionMaker, mifid2DecisionAlgo
  r.skip(2); // mifid2ExecutionTrader, mifid2ExecutionAlgo
  r.str(); // dontUseAutoPriceForHedge
  r.str(); // isOmsContainer
  r.str(); // discretionaryUpToLimitPrice
  r.str(); // usePriceMgmtAlgo
  if (sv >= 158) r.str(); // duration
  if (sv >= 160) r.str(); // postToAts
  if (sv >= 162) r.str(); // autoCancelParent
  if (sv >= 166) r.str(); // advancedErrorOverride
  if (sv >= 169) r.str(); // manualOrderTime
  if (sv >= 170) {
    let sendMidOffsets = false;
    if (exchange === 'IBKRATS') r.str(); // minTradeQty
    if (isPegBest(orderType)) {
      r.str(); // minCompeteSize
      const compete = r.str().trim();
      if (compete === 'Infinity' || compete.toLowerCase() === 'inf') sendMidOffsets = true;
    } else if (isPegMid(orderType)) {
      sendMidOffsets = true;
    }
    if (sendMidOffsets) r.skip(2);
  }
  if (sv >= 183) r.str(); // customerAccount
  if (sv >= 184) r.str(); // professionalCustomer
  if (sv >= 187 && sv < 190) r.skip(2); // RFQ placeholders
  if (sv >= 189) r.str(); // includeOvernight
  if (sv >= 192) r.str(); // manualOrderIndicator

  return {
    orderId,
    contract: { conId, symbol, secType, exchange, primaryExch, currency, localSymbol },
    action: action.trim().toUpperCase(),
    totalQuantity: Number.isFinite(totalQuantity) ? totalQuantity : 0,
    orderType,
    lmtPrice,
    auxPrice,
    tif: tif.trim().toUpperCase(),
    ocaGroup,
    account,
    orderRef,
    transmit,
    parentId,
    outsideRth,
    whatIf,
    cashQty,
    leftover: r.remaining,
  };
}
