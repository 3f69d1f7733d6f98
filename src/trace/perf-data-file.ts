/**
 * Node-only: a perf.data file read at offsets, so the reader streams its data section in chunks and memory does not
 * grow with the file (perf.data keeps its tracing data after the data, so a stream would have to be held whole).
 * @module
 * @internal
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isPerfData } from './perf-data/read.js';
import { RANDOM_ACCESS, type ByteSource } from './perf-data/source.js';

/**
 * A file as a source read at offsets, when it is a regular file that starts with perf.data's magic (not gzip).
 * @param path - the file
 * @returns the source, with `close`; undefined for anything else (the caller streams it)
 * @internal
 */
export function perfDataFile(path: string): (ByteSource & { close(): void }) | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  const close = (): void => {
    closeSync(fd);
  };
  const stat = fstatSync(fd);
  const read = (position: number, length: number): Uint8Array => {
    const out = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, out, got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return got === length ? out : out.subarray(0, got);
  };
  if (!stat.isFile() || stat.size < 16 || !isPerfData(read(0, 8))) {
    close();
    return undefined;
  }
  return { size: stat.size, read, close };
}

/**
 * Marks a file's byte stream as one the reader may read at offsets instead, when it turns out to be perf.data.
 * @param stream - the file's bytes
 * @param path - the file
 * @returns the stream, marked
 * @internal
 */
export function withRandomAccess<T extends object>(stream: T, path: string): T {
  return Object.assign(stream, { [RANDOM_ACCESS]: () => perfDataFile(path) });
}
