/**
 * A focused validator of Chrome trace-event JSON, after the Trace Event Format document (Google, "Trace Event
 * Format", JSON Object Format): the fields each phase this project writes requires, and their types.
 * @module
 */

/** What each phase must carry beyond `ph`, `name`, `pid`, `tid`, `ts`. */
const REQUIRED: Record<string, readonly string[]> = {
  X: ['dur'], // complete event: a duration
  T: ['dur'], // thread state (Perfetto's extension): a duration
  C: ['args'], // counter: its values in args
  i: ['s'], // instant: its scope
  M: ['args'], // metadata: the name in args
};

const SCOPES = new Set(['g', 'p', 't']);
const METADATA = new Set(['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index']);

/**
 * The problems of a trace-event document (empty: valid).
 * @param doc - the parsed JSON
 * @returns one line per problem, the first 20
 */
export function traceEventProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const add = (p: string): void => {
    if (problems.length < 20) problems.push(p);
  };
  if (typeof doc !== 'object' || doc === null) return ['not an object'];
  const d = doc as Record<string, unknown>;
  if (!Array.isArray(d.traceEvents)) return ['traceEvents is not an array'];
  if (d.displayTimeUnit !== undefined && d.displayTimeUnit !== 'ns' && d.displayTimeUnit !== 'ms')
    add(`displayTimeUnit ${JSON.stringify(d.displayTimeUnit)}`);
  (d.traceEvents as unknown[]).forEach((e, i) => {
    if (typeof e !== 'object' || e === null) {
      add(`#${String(i)}: not an object`);
      return;
    }
    const ev = e as Record<string, unknown>;
    const ph = ev.ph;
    if (typeof ph !== 'string' || !(ph in REQUIRED)) {
      add(`#${String(i)}: ph ${JSON.stringify(ph)}`);
      return;
    }
    if (typeof ev.name !== 'string' || ev.name === '') add(`#${String(i)}: name`);
    for (const k of ['pid', 'tid']) if (!Number.isInteger(ev[k])) add(`#${String(i)}: ${k} ${String(ev[k])}`);
    if (ph !== 'M' && !(typeof ev.ts === 'number' && Number.isFinite(ev.ts))) add(`#${String(i)}: ts`);
    for (const k of REQUIRED[ph] ?? []) if (!(k in ev)) add(`#${String(i)}: ${ph} without ${k}`);
    if ('dur' in ev && !(typeof ev.dur === 'number' && ev.dur >= 0)) add(`#${String(i)}: dur ${String(ev.dur)}`);
    if ('args' in ev && (typeof ev.args !== 'object' || ev.args === null)) add(`#${String(i)}: args`);
    if (ph === 'C' && !Object.values(ev.args as object).every((v) => typeof v === 'number'))
      add(`#${String(i)}: a counter's values are numbers`);
    if (ph === 'i' && !SCOPES.has(ev.s as string)) add(`#${String(i)}: scope ${String(ev.s)}`);
    if (ph === 'M' && !METADATA.has(ev.name as string)) add(`#${String(i)}: metadata ${String(ev.name)}`);
    if (ph === 'T' && ev.name === 'Running' && !Number.isInteger((ev.args as { cpu?: unknown } | undefined)?.cpu))
      add(`#${String(i)}: Running without args.cpu`);
  });
  return problems;
}
