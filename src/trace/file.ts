/**
 * Node-only: a trace file or stdin (`-`), gzip-compressed or not, streamed as lines or as raw byte chunks. What the
 * input is, is told from its first bytes, never from its name: gzip is decompressed (perf.data passes through, for
 * readTrace to tell by its magic), an empty input is refused with a message that says what to do, and every way of failing to read throws a {@link SchedacctError}.
 * @module
 */
import { checkString } from '../check.js';
import { accessSync, constants, statSync } from 'node:fs';
import { SchedacctError } from '../errors.js';
import { isPerfData } from './perf-data/read.js';
import { withRandomAccess } from './perf-data-file.js';

// 256 KiB reads: as fast as 1 MiB here (64 KiB cost 15 %), and a third less peak memory.
const CHUNK = 1 << 18;

// The bytes the input's kind is told from: perf.data's magic is the longest (8 bytes; readTrace tells it).
const SNIFF = 8;
const GZIP = [0x1f, 0x8b] as const;

const nameOf = (path: string): string => (path === '-' ? 'standard input' : path);

// What the system said when a file could not be opened or read, as a message that names the file.
function fileError(path: string, error: unknown): SchedacctError {
  if (error instanceof SchedacctError) return error;
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  switch (code) {
    case 'ENOENT':
      return new SchedacctError('invalid-argument', `no such trace file: ${path}`);
    case 'ENOTDIR':
      return new SchedacctError(
        'invalid-argument',
        `no such trace file: ${path} (a part of the path is not a directory)`,
      );
    case 'EISDIR':
      return new SchedacctError('invalid-argument', `${path}: is a directory, not a trace file`);
    case 'EACCES':
    case 'EPERM':
      return new SchedacctError('invalid-argument', `${path}: permission denied (cannot read the trace file)`);
    default:
      return new SchedacctError(
        'unavailable',
        `cannot read ${nameOf(path)}: ${error instanceof Error ? error.message : String(error)}`,
      );
  }
}

// What zlib said about a compressed input, as a message that names it.
function gzipError(path: string, error: unknown): SchedacctError {
  if (error instanceof SchedacctError) return error;
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  const message = error instanceof Error ? error.message : String(error);
  return new SchedacctError(
    'invalid-argument',
    code === 'Z_BUF_ERROR'
      ? `${nameOf(path)}: truncated gzip data (${message}): the file ends before its compressed stream does`
      : `${nameOf(path)}: corrupt gzip data (${message})`,
  );
}

// Checked when the stream is asked for, so that a wrong path fails where the caller names it.
function check(path: string): void {
  if (path === '-') return;
  try {
    if (statSync(path).isDirectory())
      throw new SchedacctError('invalid-argument', `${path}: is a directory, not a trace file`);
    accessSync(path, constants.R_OK);
  } catch (error: unknown) {
    throw fileError(path, error);
  }
}

const startsWith = (bytes: Uint8Array, magic: readonly number[]): boolean =>
  bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

// The next chunk of a stream, its failure said as the file's.
async function next(
  chunks: AsyncIterator<Uint8Array>,
  failure: (error: unknown) => SchedacctError,
): Promise<IteratorResult<Uint8Array>> {
  try {
    return await chunks.next();
  } catch (error: unknown) {
    throw failure(error);
  }
}

// The input's chunks with its kind told from the first bytes: gzip (decompressed, and told again), empty.
async function* sniffed(
  path: string,
  chunks: AsyncIterator<Uint8Array>,
  failure: (error: unknown) => SchedacctError,
  compressed: boolean,
): AsyncGenerator<Uint8Array> {
  const head: Uint8Array[] = [];
  let size = 0;
  for (let r = await next(chunks, failure); ; r = await next(chunks, failure)) {
    if (r.done === true) break;
    head.push(r.value);
    size += r.value.length;
    if (size >= SNIFF) break;
  }
  const first = head.length === 1 && head[0] !== undefined ? head[0] : Buffer.concat(head, size);
  if (size === 0) {
    throw new SchedacctError(
      'invalid-argument',
      `empty input: no trace lines in ${nameOf(path)}${compressed ? ' (it decompresses to nothing)' : ''}`,
    );
  }
  if (!compressed && startsWith(first, GZIP)) {
    yield* gunzipped(path, first, chunks, failure);
    return;
  }
  yield first;
  for (let r = await next(chunks, failure); r.done !== true; r = await next(chunks, failure)) yield r.value;
}

// A gzip input decompressed (its members one after the other, as gzip -d does), and its contents told again.
async function* gunzipped(
  path: string,
  first: Uint8Array,
  chunks: AsyncIterator<Uint8Array>,
  failure: (error: unknown) => SchedacctError,
): AsyncGenerator<Uint8Array> {
  const [{ createGunzip }, { Readable, pipeline }] = await Promise.all([import('node:zlib'), import('node:stream')]);
  async function* compressedBytes(): AsyncGenerator<Uint8Array> {
    yield first;
    for (let r = await next(chunks, failure); r.done !== true; r = await next(chunks, failure)) yield r.value;
  }
  const source = Readable.from(compressedBytes(), { objectMode: false });
  const gunzip = createGunzip({ chunkSize: CHUNK });
  // Errors reach the reader through the gunzip stream (pipeline destroys it with the first one).
  pipeline(source, gunzip, () => undefined);
  const output = gunzip.iterator({ destroyOnReturn: true }) as AsyncIterator<Uint8Array>;
  try {
    yield* sniffed(path, output, (error) => gzipError(path, error), true);
  } finally {
    gunzip.destroy();
    source.destroy();
  }
}

// The stream of a file or stdin. Streams and zlib are loaded here, when first needed (loading Node's own modules is
// part of every command's time).
async function* bytesOf(path: string): AsyncGenerator<Uint8Array> {
  const { createReadStream } = await import('node:fs');
  const raw = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: CHUNK });
  // Ended or stopped early, the stream is destroyed: stdin too (as iterating it always did), which lets the process end.
  const chunks = raw.iterator({ destroyOnReturn: true }) as AsyncIterator<Uint8Array>;
  try {
    yield* sniffed(path, chunks, (error) => fileError(path, error), false);
  } finally {
    await chunks.return?.();
  }
}

// The bytes of a text trace: perf.data is refused (it has no lines).
async function* textBytesOf(path: string): AsyncGenerator<Uint8Array> {
  let first = true;
  for await (const chunk of bytesOf(path)) {
    if (first && isPerfData(chunk)) {
      throw new SchedacctError(
        'invalid-argument',
        `${nameOf(path)} is perf.data (binary): read it with readTrace(traceBytes(path)), not as lines`,
      );
    }
    first = false;
    yield chunk;
  }
}

async function* linesOf(path: string): AsyncGenerator<string> {
  const [{ createInterface }, { Readable }] = await Promise.all([import('node:readline'), import('node:stream')]);
  const input = Readable.from(textBytesOf(path), { objectMode: false });
  try {
    // (readline's iterator throws what the input throws)
    yield* createInterface({ input, crlfDelay: Infinity });
  } finally {
    input.destroy(); // which returns the bytes' generator: its stream is closed
  }
}

/**
 * Streams the bytes of a trace, in chunks cut anywhere (for `readTrace`, which splits the lines itself and
 * decodes only what it needs: the fastest way in). Gzip-compressed input (file or stdin) is decompressed; it is
 * told by its first bytes (1f 8b), not by the file's name.
 * @param path - a file (gzip-compressed or not), or `-` for standard input
 * @returns the chunks; reading them throws a {@link SchedacctError} `invalid-argument` for an empty input and for truncated or corrupt
 *   gzip data, `unavailable` when the file cannot be read
 * @throws {@link SchedacctError} `invalid-argument` for a path that is not a string, or when the file does not exist, is
 *   a directory or cannot be read
 * @example
 * ```ts
 * const { format, ledger } = await readTrace(traceBytes('fixtures/perf/pingpong.perf.txt.gz')); // gunzipped on the way
 * format; // 'perf-script'
 * ledger.size; // 13
 * ```
 */
export function traceBytes(path: string): AsyncIterable<Uint8Array> {
  checkString('path', path);
  check(path);
  const bytes = bytesOf(path);
  return path === '-' ? bytes : withRandomAccess(bytes, path); // perf.data: read at offsets, not held whole
}

/**
 * Streams the lines of a trace.
 * @param path - a file (gzip-compressed or not), or `-` for standard input
 * @returns the lines, without their line ends; reading them throws as reading {@link traceBytes} does
 * @throws {@link SchedacctError} `invalid-argument` for a path that is not a string, or when the file does not exist, is
 *   a directory or cannot be read
 * @example
 * ```ts
 * let lines = 0;
 * for await (const line of traceLines('fixtures/perf/sh-loops.perf.txt')) if (line !== '') lines++;
 * lines; // 105
 * ```
 */
export function traceLines(path: string): AsyncIterable<string> {
  checkString('path', path);
  check(path);
  return linesOf(path);
}
