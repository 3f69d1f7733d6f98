// `npm run conformance [-- --update]`: replays every conformance transcript (conformance/NAME.in.jsonl) through an
// in-process session and compares the replies with NAME.out.jsonl byte for byte; `--update` writes what the session
// answers instead (then read the diff: it is the protocol's behaviour changing).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { replay, transcripts } from '../test/protocol/transcript.ts';

const { values } = parseArgs({ options: { update: { type: 'boolean' } } });
let differ = 0;
for (const t of transcripts()) {
  const got = replay(readFileSync(t.inPath, 'utf8'));
  const want = existsSync(t.outPath) ? readFileSync(t.outPath, 'utf8') : undefined;
  if (got === want) {
    console.log(`ok      ${t.name}`);
  } else if (values.update === true) {
    writeFileSync(t.outPath, got);
    console.log(`updated ${t.name}`);
  } else {
    differ++;
    console.log(
      `DIFFERS ${t.name}: the replies are not ${t.name}.out.jsonl (npm run conformance -- --update writes them)`,
    );
  }
}
process.exitCode = differ === 0 ? 0 : 1;
