// Amounts are integers in the currency's minor unit; how many digits that is depends on the
// currency (2 for usd, 0 for jpy, 3 for kwd), which Intl knows.

export function formatMoney(amountMinor: number, currency: string, locale = 'en-US'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}

export function isKnownCurrency(code: string): boolean {
  return /^[a-z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code.toUpperCase());
}
