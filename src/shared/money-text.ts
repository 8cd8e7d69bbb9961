/**
 * Money in the core's words (plan warnings, risk-limit breaches, notifications, API errors): "USD 1,234.56", the
 * currency's code before the amount as the window writes it (`formatMoney`), so a figure reads the same in a
 * notification as beside it on screen. Negative amounts carry a leading minus ("-USD 5.00").
 */
export function moneyText(value: number, currency = 'USD'): string {
  const amount = Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${value < 0 ? '-' : ''}${currency} ${amount}`;
}
