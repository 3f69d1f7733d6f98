// One stage of `schedacct replay FILE`, timed inside a fresh process once its modules are loaded (start-up is
// measured apart), so the replay benchmark can show where the time goes: reading the bytes, splitting and decoding
// them into lines, parsing the lines, the whole replay, and the replay of events already parsed, the first time
// through (the JIT still compiling) and once warm.
import { closeSync, openSync, readSync } from 'node:fs';
import { LineSplitter } from '../dist/trace/bytes.js';
import type { TraceEvent } from '../dist/trace/events.js';
import { traceBytes } from '../dist/trace/file.js';
import { parsePerfScriptLine } from '../dist/trace/perf-script.js';
import { readTrace } from '../dist/trace/read.js';
import { Replay } from '../dist/trace/replay.js';

const [stage = '', file = ''] = process.argv.slice(2);

// The file's lines, handed out one by one (1 MiB reads).
function lines(onLine: (text: string) => void): number {
  let n = 0;
  const splitter = new LineSplitter(
    (text) => {
      n++;
      onLine(text);
    },
    () => n++,
  );
  const fd = openSync(file, 'r');
  const buf = new Uint8Array(1 << 20);
  try {
    for (let r = readSync(fd, buf, 0, buf.length, null); r > 0; r = readSync(fd, buf, 0, buf.length, null)) {
      splitter.push(buf.subarray(0, r));
    }
  } finally {
    closeSync(fd);
  }
  splitter.end();
  return n;
}

function replayOf(events: readonly TraceEvent[]): number {
  const replay = new Replay({ compat: 'perf-6.1' });
  const start = performance.now();
  for (const e of events) replay.apply(e);
  return (performance.now() - start) / 1000;
}

let start = performance.now();
const out: Record<string, number> = {};
if (stage === 'read') {
  const fd = openSync(file, 'r');
  const buf = new Uint8Array(1 << 20);
  let bytes = 0;
  for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) bytes += n;
  closeSync(fd);
  out.bytes = bytes;
} else if (stage === 'lines') {
  out.lines = lines(() => undefined);
} else if (stage === 'parse') {
  let events = 0;
  out.lines = lines((text) => {
    if (parsePerfScriptLine(text, 0).type === 'event') events++;
  });
  out.events = events;
} else if (stage === 'replay') {
  out.lines = (await readTrace(traceBytes(file), { compat: 'perf-6.1' })).lines;
} else if (stage === 'events') {
  // every event parsed first, then three replays of them: cold, then warm
  const events: TraceEvent[] = [];
  lines((text) => {
    const r = parsePerfScriptLine(text, 0);
    if (r.type === 'event') events.push(r.event);
  });
  out.cold = replayOf(events);
  replayOf(events);
  out.warm = replayOf(events);
  start = performance.now();
} else {
  throw new Error(`unknown stage '${stage}': read, lines, parse, replay or events`);
}
console.log(JSON.stringify({ seconds: (performance.now() - start) / 1000, ...out }));
