/**
 * Node-only: a trace file, `.gz` file or stdin (`-`), streamed as lines or as raw byte chunks.
 * @module
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { SchedacctError } from '../errors.js';

function open(path: string): NodeJS.ReadableStream {
  if (path !== '-' && !existsSync(path)) throw new SchedacctError('invalid-argument', `no such trace file: ${path}`);
  const raw = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: CHUNK });
  return path.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
}

// 256 KiB reads: as fast as 1 MiB here (64 KiB cost 15 %), and a third less peak memory.
const CHUNK = 1 << 18;

/**
 * Streams the bytes of a trace, in chunks cut anywhere (for `readTrace`, which splits the lines itself and
 * decodes only what it needs: the fastest way in).
 * @param path - a file, a `.gz` file, or `-` for standard input
 * @returns the chunks
 * @throws {@link SchedacctError} `invalid-argument` when the file does not exist
 */
export function traceBytes(path: string): AsyncIterable<Uint8Array> {
  return open(path) as AsyncIterable<Uint8Array>;
}

/**
 * Streams the lines of a trace.
 * @param path - a file, a `.gz` file, or `-` for standard input
 * @returns the lines, without their line ends
 * @throws {@link SchedacctError} `invalid-argument` when the file does not exist
 */
export function traceLines(path: string): AsyncIterable<string> {
  return createInterface({ input: open(path), crlfDelay: Infinity });
}
