/**
 * Shared, cached counter conversions for machine contexts: a context stays flat and persistable (it stores the
 * mode, frequency and width), and the conversion object is looked up from them.
 * @module
 */
import { createConversion, type ConversionMode, type CounterConversion } from '../accounting/conversion.js';

const cache = new Map<string, CounterConversion>();

/**
 * The conversion for a mode, frequency and width, created once and reused.
 * @param mode - `'exact'` or `'kernel'`
 * @param counterHz - counter frequency, Hz
 * @param widthBits - counter width, bits
 * @returns the shared conversion
 */
export function conversionFor(mode: ConversionMode, counterHz: number, widthBits: number): CounterConversion {
  // Nearly every program uses one conversion: answer it without building a key.
  if (last !== undefined && last.mode === mode && last.counterHz === counterHz && last.widthBits === widthBits)
    return last;
  last = lookup(mode, counterHz, widthBits);
  return last;
}

let last: CounterConversion | undefined;

function lookup(mode: ConversionMode, counterHz: number, widthBits: number): CounterConversion {
  const key = `${mode}:${String(counterHz)}:${String(widthBits)}`;
  let conversion = cache.get(key);
  if (conversion === undefined) {
    conversion = createConversion(mode, counterHz, widthBits);
    cache.set(key, conversion);
  }
  return conversion;
}
