// One stage of `schedacct replay FILE`, timed inside a fresh process once its modules are loaded (start-up is
// measured apart), so the replay benchmark can show where the time goes: reading the bytes, scanning them into
// records, the whole replay on one thread and with the scan in worker threads, and the replay of records already
// scanned, the first time through (the JIT still compiling) and once warm.
import { closeSync, openSync, readSync } from 'node:fs';
import { parsePerfScriptText } from '../dist/trace/perf-script.js';
import { readTraceFile } from '../dist/trace/parallel.js';
import { readTrace, TraceSink } from '../dist/trace/read.js';
import { RecordReader } from '../dist/trace/records.js';
import { traceBytes } from '../dist/trace/file.js';
import { ChunkScanner, RECORD_INTS, type RecordBatch } from '../dist/trace/wasm-scan.js';

const [stage = '', file = ''] = process.argv.slice(2);

// Scans the file into records on this thread (1 MiB reads straight into the scanner), handing out each batch.
async function scan(onBatch: (batch: RecordBatch) => void): Promise<number> {
  const scanner = await ChunkScanner.create();
  if (scanner === undefined) throw new Error('this runtime cannot run the WebAssembly scanner');
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      const free = scanner.writable();
      const n = readSync(fd, free, 0, free.length, null);
      if (n === 0) break;
      scanner.commit(n, onBatch);
    }
  } finally {
    closeSync(fd);
  }
  scanner.end(onBatch);
  return scanner.lines;
}

function replayOf(batches: readonly RecordBatch[]): number {
  const sink = new TraceSink({ compat: 'perf-6.1' });
  sink.begin('perf-script');
  const reader = new RecordReader(parsePerfScriptText);
  const start = performance.now();
  for (const b of batches) reader.read(b, 0, sink);
  sink.finish();
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
} else if (stage === 'scan') {
  out.lines = await scan(() => undefined);
} else if (stage === 'replay') {
  out.lines = (await readTrace(traceBytes(file), { compat: 'perf-6.1' })).lines;
} else if (stage === 'worker') {
  const result = await readTraceFile(file, { compat: 'perf-6.1', workerMinBytes: 0 });
  out.lines = result.lines;
  out.mainSegments = result.mainSegments;
  out.segments = result.segments;
} else if (stage === 'records') {
  // copies of every batch (the scanner reuses its own), then three replays of them: cold, then warm
  const batches: RecordBatch[] = [];
  await scan((b) => {
    const ints = b.ints.slice(0, b.count * RECORD_INTS);
    batches.push({ ...b, ints, floats: new Float64Array(ints.buffer), strings: [...b.strings], texts: [...b.texts] });
  });
  out.cold = replayOf(batches);
  replayOf(batches);
  out.warm = replayOf(batches);
  start = performance.now();
} else {
  throw new Error(`unknown stage '${stage}': read, scan, replay, worker or records`);
}
console.log(JSON.stringify({ seconds: (performance.now() - start) / 1000, ...out }));
