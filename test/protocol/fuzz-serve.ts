// A stream through the built `schedacct serve --stdio` process: lines written to its standard input as bytes (raw ones
// where a line carries invalid UTF-8), reply lines read from its standard output, a snapshot.set written only once
// the reply it is made from has come. The process must answer every line once, and exit 0 at the input's end.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isRef, type Item } from './fuzz-items.js';
import { lineOf } from './fuzz-oracle.js';

/** The bundled command, as package.json's bin names it. */
export const BIN: string = fileURLToPath(new URL('../../dist/bin/schedacct.js', import.meta.url));

/** What the serve process gave. */
export interface ServeRun {
  /** Reply lines, by stream index. */
  readonly replies: (string | undefined)[];
  /** Reply lines after the last expected one. */
  readonly extra: number;
  /** Its exit status (null: killed). */
  readonly status: number | null;
  /** The last of its standard error. */
  readonly stderr: string;
  /** It did not finish within the budget and was killed. */
  readonly hung: boolean;
}

const encoder = new TextEncoder();
const NEWLINE = Uint8Array.of(10);

/**
 * Runs a stream through `serve --stdio`.
 * @param items - the stream
 * @param budgetMs - kill the process after this long (a hang, not a speed requirement)
 * @returns the replies
 */
export async function runServe(items: readonly Item[], budgetMs: number): Promise<ServeRun> {
  const child = spawn(process.execPath, [BIN, 'serve', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const replies: (string | undefined)[] = [];
  let extra = 0;
  let pending = '';
  let stderr = '';
  let wake: (() => void) | undefined;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      if (replies.length < items.length) replies.push(pending.slice(0, nl));
      else extra++;
      pending = pending.slice(nl + 1);
    }
    wake?.();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.stdin.on('error', () => undefined);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, budgetMs);
  const state = { dead: false };
  void exited.then(() => {
    state.dead = true;
    wake?.();
  });
  const until = async (n: number): Promise<void> => {
    while (replies.length < n && !state.dead) await new Promise<void>((resolve) => (wake = resolve));
  };
  for (const [index, item] of items.entries()) {
    if (state.dead) break;
    if (isRef(item.payload)) await until(item.payload.snapshotFrom + 1);
    const line = lineOf(item.payload, replies);
    const body = line.bytes ?? encoder.encode(line.text);
    const bytes = new Uint8Array(body.length + 1);
    bytes.set(body);
    bytes.set(NEWLINE, body.length);
    const more = child.stdin.write(bytes);
    // a process that died never drains: its exit ends the wait too
    if (!more) await Promise.race([new Promise((resolve) => child.stdin.once('drain', resolve)), exited]);
    if (index % 256 === 255) await until(index - 512);
  }
  child.stdin.end();
  const status = await exited;
  clearTimeout(timer);
  if (pending !== '') extra++;
  return { replies, extra, status, stderr, hung };
}
