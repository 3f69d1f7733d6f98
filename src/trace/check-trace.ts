/**
 * Argument checks for the trace API: an event handed to `Replay.push`, a row handed to a timehist writer. Readers
 * never hand over a bad one (a bad line is a malformed-line anomaly); a caller building its own can, and is told so.
 * @module
 * @internal
 */
import {
  argError,
  checkInstance,
  checkObject,
  checkOneOf,
  checkOptionalBoolean,
  checkOptions,
  checkString,
  checkWhole,
} from '../check.js';
import { Ledger } from '../accounting/ledger.js';
import type { ReplayOptions } from './replay-options.js';
import type { ReadOptions } from './read.js';
import { SchedacctError } from '../errors.js';
import { MAX_CPUS, type TraceEvent } from './events.js';
import type { InfoRow, TimehistRow } from './rows.js';

const KINDS: readonly TraceEvent['kind'][] = ['switch', 'wakeup', 'migrate', 'fork', 'exit', 'runtime'];
const VARIANTS: readonly string[] = ['waking', 'wakeup', 'wakeup_new'];
// Per kind, its fields beyond the base: tids (safe integers, perf's −1 included), CPUs, strings, ns.
const FIELDS: Record<TraceEvent['kind'], { tids: string[]; cpus: string[]; texts: string[]; ns: string[] }> = {
  switch: { tids: ['prevTid', 'nextTid'], cpus: [], texts: ['prevComm', 'prevState', 'nextComm'], ns: [] },
  wakeup: { tids: ['targetTid'], cpus: [], texts: ['targetComm'], ns: [] },
  migrate: { tids: ['targetTid'], cpus: ['origCpu', 'destCpu'], texts: ['targetComm'], ns: [] },
  fork: { tids: ['parentTid', 'childTid'], cpus: [], texts: ['childComm'], ns: [] },
  exit: { tids: ['targetTid'], cpus: [], texts: [], ns: [] },
  runtime: { tids: ['targetTid'], cpus: [], texts: [], ns: ['runtimeNs'] },
};

const isTid = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= -1;
const isCpu = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) < MAX_CPUS;
const isNs = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
// Past 2^53 ns (104 days of uptime) a time is a whole double, rounded to 2 ns: the replay takes it (see its base).
const isTime = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;

// The fast test every event of a replay takes (direct fields, no loops: it runs once per event); the slow one below
// only runs to say what is wrong.
function isEvent(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Partial<Record<string, unknown>>;
  if (!(isTime(r.timeNs) && isCpu(r.cpu) && isTid(r.tid) && typeof r.comm === 'string' && isNs(r.line))) return false;
  switch (r.kind) {
    case 'switch':
      return (
        isTid(r.prevTid) &&
        isTid(r.nextTid) &&
        typeof r.prevState === 'string' &&
        typeof r.prevComm === 'string' &&
        typeof r.nextComm === 'string'
      );
    case 'wakeup':
      return (
        isTid(r.targetTid) &&
        (r.targetCpu === -1 || isCpu(r.targetCpu)) &&
        typeof r.targetComm === 'string' &&
        VARIANTS.includes(r.variant as string)
      );
    case 'migrate':
      return isTid(r.targetTid) && isCpu(r.origCpu) && isCpu(r.destCpu) && typeof r.targetComm === 'string';
    case 'fork':
      return isTid(r.parentTid) && isTid(r.childTid) && typeof r.childComm === 'string';
    case 'exit':
      return isTid(r.targetTid);
    case 'runtime':
      return isTid(r.targetTid) && isNs(r.runtimeNs);
    default:
      return false;
  }
}

// A CPU: a whole number, and below MAX_CPUS (so one bad number cannot make the replay's CPU table huge).
function checkCpu(name: string, value: unknown): void {
  checkWhole(name, value, 0);
  if (value >= MAX_CPUS)
    throw new SchedacctError(
      'out-of-range',
      `${name} must be below MAX_CPUS (${String(MAX_CPUS)}), got ${String(value)}: give no event for a CPU past it`,
    );
}

/**
 * Checks an event handed to the replay: its kind, a whole time in ns, a CPU below {@link MAX_CPUS}, tids, comms.
 * @param param - the parameter's name
 * @param event - the value
 * @throws {@link SchedacctError} `invalid-argument` or `out-of-range` naming the first field that is wrong
 * @internal
 */
export function checkTraceEvent(param: string, event: unknown): void {
  if (isEvent(event)) return;
  checkObject(param, event);
  checkOneOf(`${param}.kind`, event.kind, KINDS);
  checkWhole(`${param}.timeNs`, event.timeNs, 0, Number.MAX_VALUE);
  checkCpu(`${param}.cpu`, event.cpu);
  checkWhole(`${param}.line`, event.line);
  const f = FIELDS[event.kind];
  for (const k of ['tid', ...f.tids]) checkWhole(`${param}.${k}`, event[k], -1);
  for (const k of f.cpus) checkCpu(`${param}.${k}`, event[k]);
  // a wakeup whose line names no target CPU has -1 (unknown)
  if (event.kind === 'wakeup' && event.targetCpu !== -1) checkCpu(`${param}.targetCpu`, event.targetCpu);
  for (const k of ['comm', ...f.texts]) checkString(`${param}.${k}`, event[k]);
  for (const k of f.ns) checkWhole(`${param}.${k}`, event[k]);
  if (event.kind === 'wakeup') checkOneOf(`${param}.variant`, event.variant, VARIANTS);
}

const ROW_NUMBERS = ['timeNs', 'cpu', 'tid'] as const;
const SLICE_NUMBERS = ['waitNs', 'delayNs', 'runNs', 'stolenNs'] as const;

/**
 * Checks a row handed to a timehist writer: an object whose numbers are numbers and whose name is a string. Any number
 * prints (perf's formats have an output for each, the report tests hold every one), so none is refused for its value.
 * @param param - the parameter's name
 * @param row - the value
 * @throws {@link SchedacctError} `invalid-argument` naming the first field that is wrong
 * @internal
 */
export function checkRow(param: string, row: unknown): asserts row is TimehistRow | InfoRow {
  checkObject(param, row);
  const numbers: readonly string[] = 'kind' in row ? ROW_NUMBERS : [...ROW_NUMBERS, ...SLICE_NUMBERS];
  for (const k of numbers) {
    const v = row[k];
    if (typeof v !== 'number') throw argError('invalid-argument', `${param}.${k}`, 'a number', v);
  }
  checkString(`${param}.name`, row.name);
  if (!('kind' in row)) checkString(`${param}.state`, row.state);
}

/**
 * Checks what `readTrace` reads: an iterable or async iterable (not a string) of lines or byte chunks.
 * @param input - the value
 * @throws {@link SchedacctError} `invalid-argument` for anything else, or an array with an item that is neither
 * @internal
 */
export function checkInput(input: unknown): void {
  const iterable =
    typeof input === 'object' && input !== null && (Symbol.iterator in input || Symbol.asyncIterator in input);
  if (!iterable)
    throw argError('invalid-argument', 'input', 'an iterable or async iterable of lines or byte chunks', input);
  if (Array.isArray(input)) {
    const bad = input.findIndex((item: unknown) => typeof item !== 'string' && !(item instanceof Uint8Array));
    if (bad >= 0) throw argError('invalid-argument', `input[${String(bad)}]`, 'a string or a Uint8Array', input[bad]);
  }
}

/**
 * Checks `readTrace`'s options: a replay's, and its callbacks.
 * @param options - the value
 * @throws {@link SchedacctError} `invalid-argument` as {@link checkReplayOptions}, or for a callback that is not a
 *   function
 * @internal
 */
export function checkReadOptions(options: ReadOptions): void {
  checkReplayOptions(options);
  for (const name of ['onRow', 'onFormat', 'hold'] as const) {
    const value: unknown = options[name];
    if (value !== undefined && typeof value !== 'function')
      throw argError('invalid-argument', `options.${name}`, 'a function', value);
  }
}

/**
 * Checks the types of a replay's options (compat, engine and policy are checked where they are used).
 * @param options - the value
 * @throws {@link SchedacctError} `invalid-argument` for options that are not an object, a `strict`, `migrations`,
 *   `next` or `idleHist` that is not a boolean, or a `ledger` that is not a Ledger
 * @internal
 */
export function checkReplayOptions(options: ReplayOptions): void {
  checkOptions('options', options);
  checkOptionalBoolean('options.strict', options.strict);
  checkOptionalBoolean('options.migrations', options.migrations);
  checkOptionalBoolean('options.next', options.next);
  checkOptionalBoolean('options.idleHist', options.idleHist);
  if (options.ledger !== undefined) checkInstance('options.ledger', options.ledger, Ledger, 'a Ledger');
}
