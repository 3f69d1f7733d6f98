// One stage of `schedacct replay FILE`, timed inside a fresh process once its modules are loaded (start-up is
// measured apart), so the replay benchmark can show where the time goes: reading the bytes, splitting lines,
// scanning events, the whole replay (machines and reports included) on one thread, and with the scan in a worker.
import { LineSplitter } from '../dist/trace/bytes.js';
import { traceBytes } from '../dist/trace/file.js';
import { createPerfScriptReader } from '../dist/trace/perf-script.js';
import { readTraceFile } from '../dist/trace/parallel.js';
import { readTrace } from '../dist/trace/read.js';

const [stage = '', file = ''] = process.argv.slice(2);
const start = performance.now();
let lines = 0;
let bytes = 0;
if (stage === 'read') {
  for await (const chunk of traceBytes(file)) bytes += chunk.length;
} else if (stage === 'split' || stage === 'scan') {
  const reader = createPerfScriptReader();
  const scan = stage === 'scan';
  const splitter = new LineSplitter((chunk, from, to) => {
    lines++;
    if (scan) reader.bytes(chunk, from, to, lines);
  });
  for await (const chunk of traceBytes(file)) splitter.push(chunk);
  splitter.end();
} else if (stage === 'replay') {
  lines = (await readTrace(traceBytes(file), { compat: 'perf-6.1' })).lines;
} else if (stage === 'worker') {
  lines = (await readTraceFile(file, { compat: 'perf-6.1', workerMinBytes: 0 })).lines;
} else {
  throw new Error(`unknown stage '${stage}': read, split, scan, replay or worker`);
}
console.log(JSON.stringify({ seconds: (performance.now() - start) / 1000, lines, bytes }));
