// The reproducer of a protocol fuzz failure: one job's stream again, and its line I with what each run answered and
// what the oracle found there (`npm run fuzz:protocol -- --seed J --lines L --show I [--serve]`).
import { judge, lineOf, runSession } from './fuzz-oracle.js';
import { loadCreateSession } from './fuzz-run.js';
import { runServe } from './fuzz-serve.js';
import { buildStream } from './fuzz-stream.js';

type CreateSession = Awaited<ReturnType<typeof loadCreateSession>>;

/** @returns `createSession` from the tree's source */
export const createSessionLoader = (): Promise<CreateSession> => loadCreateSession();

const cut = (text: string | undefined): string =>
  text === undefined ? '(none)' : text.length > 2000 ? `${text.slice(0, 2000)}… (${String(text.length)} chars)` : text;

/**
 * Prints line `line` (1-based) of the stream of `seed`, `lines` long: the line, its expectation, the replies of the
 * mixed run, the clean run (and serve), and the oracle's findings on it.
 * @param createSession - the session factory
 * @param seed - the job's seed
 * @param lines - the job's length
 * @param line - the line
 * @param serve - also through `serve --stdio`
 */
export async function showLine(
  createSession: CreateSession,
  seed: number,
  lines: number,
  line: number,
  serve: boolean,
): Promise<void> {
  const items = buildStream(seed, lines);
  const index = line - 1;
  const item = items[index];
  if (item === undefined)
    throw new Error(`the stream of seed ${String(seed)} has ${String(items.length)} lines, not ${String(line)}`);
  const mixed = runSession(createSession(), items);
  const clean = runSession(createSession(), items, true);
  const { payload, ...expected } = item;
  console.log(
    `seed ${String(seed)}, line ${String(line)} of ${String(items.length)}: ${item.valid ? 'valid' : 'bad'} (${item.category})`,
  );
  console.log(`expected: ${JSON.stringify(expected)}`);
  console.log(`line: ${cut(JSON.stringify(lineOf(payload, mixed.replies).text))}`);
  console.log(`mixed reply: ${cut(mixed.replies[index])}`);
  console.log(`clean reply: ${cut(clean.replies[index])}`);
  const found = [...mixed.violations, ...judge(items, mixed.replies, clean.replies)].filter((v) => v.index === index);
  if (serve) {
    const served = await runServe(items, 120_000);
    console.log(`serve reply: ${cut(served.replies[index])}`);
    found.push(...judge(items, served.replies, clean.replies).filter((v) => v.index === index));
  }
  console.log(
    found.length === 0 ? 'the oracle finds nothing here' : found.map((v) => `${v.kind}: ${v.message}`).join('\n'),
  );
}
