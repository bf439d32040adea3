import type { Decimal } from 'decimal.js';

const raw = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/**
 * A decimal as a JSON number written digit for digit (`JSON.rawJSON`), so a money figure in a
 * report is exactly the engine's value rather than its nearest float.
 */
export function exactNumber(value: Decimal): unknown {
  return raw(value.toFixed());
}
