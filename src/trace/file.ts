/**
 * Node-only: the lines of a trace file, `.gz` file or stdin (`-`), streamed.
 * @module
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { SchedacctError } from '../errors.js';

/**
 * Streams the lines of a trace.
 * @param path - a file, a `.gz` file, or `-` for standard input
 * @returns the lines, without their line ends
 * @throws {@link SchedacctError} `invalid-argument` when the file does not exist
 */
export function traceLines(path: string): AsyncIterable<string> {
  if (path !== '-' && !existsSync(path)) throw new SchedacctError('invalid-argument', `no such trace file: ${path}`);
  const raw = path === '-' ? process.stdin : createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  return createInterface({ input, crlfDelay: Infinity });
}
