/**
 * Shared checks for the ABI decoders: a little-endian view of exactly the structure's bytes, at an offset the
 * ABI's alignment allows.
 * @module
 */
import { argError, describe } from '../check.js';
import { AbiError } from '../errors.js';

/** Bytes as the decoders accept them. */
export type Bytes = Uint8Array | ArrayBuffer | SharedArrayBuffer | DataView;

/**
 * A DataView over `size` bytes at `offset`, after checking the buffer holds them and the offset is aligned.
 * @param abi - the ABI's name, for errors
 * @param bytes - the memory holding the structure
 * @param offset - the structure's offset in `bytes`
 * @param size - the structure's size
 * @param alignment - the ABI's alignment
 * @returns a view of exactly the structure
 * @throws {@link AbiError} `size` when the bytes are too short (or, for a whole buffer, not exactly `size`), `alignment`;
 *   {@link SchedacctError} `invalid-argument` for bytes that are not a Uint8Array, DataView or (Shared)ArrayBuffer
 */
export function structView(abi: string, bytes: Bytes, offset: number, size: number, alignment: number): DataView {
  if (!(
    bytes instanceof DataView ||
    bytes instanceof Uint8Array ||
    bytes instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== 'undefined' && bytes instanceof SharedArrayBuffer)
  ))
    throw argError('invalid-argument', 'bytes', 'a Uint8Array, a DataView or an ArrayBuffer', bytes);
  const view =
    bytes instanceof DataView
      ? bytes
      : bytes instanceof Uint8Array
        ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        : new DataView(bytes);
  if (!Number.isInteger(offset) || offset < 0) {
    throw new AbiError(abi, 'offset', `must be a whole number ≥ 0, got ${describe(offset)}`);
  }
  if (offset === 0 && view.byteLength !== size && view.byteLength < size) {
    throw new AbiError(abi, 'size', `the structure is ${String(size)} bytes, got ${String(view.byteLength)}`);
  }
  if (offset + size > view.byteLength) {
    throw new AbiError(
      abi,
      'size',
      `needs ${String(size)} bytes at offset ${String(offset)}, the buffer has ${String(view.byteLength)}`,
    );
  }
  if ((view.byteOffset + offset) % alignment !== 0) {
    throw new AbiError(
      abi,
      'alignment',
      `must be ${String(alignment)}-byte aligned, is at byte ${String(view.byteOffset + offset)}`,
    );
  }
  return new DataView(view.buffer, view.byteOffset + offset, size);
}

/**
 * Checks that bytes `from` to `to` (exclusive) of a structure are zero.
 * @param abi - the ABI's name, for errors
 * @param field - the field's name, for errors
 * @param view - the structure
 * @param from - first byte
 * @param to - one past the last byte
 * @throws {@link AbiError} naming the field when a byte is not zero
 */
export function checkZero(abi: string, field: string, view: DataView, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    if (view.getUint8(i) !== 0)
      throw new AbiError(abi, field, `reserved bytes must be 0, byte ${String(i)} is ${String(view.getUint8(i))}`);
  }
}
