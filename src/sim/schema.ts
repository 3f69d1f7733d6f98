/**
 * The JSON Schema (draft 2020-12) of a scenario, shipped as `schema/scenario.schema.json` for editors and other tools.
 * It says what a schema can: kinds, keys, ranges and defaults. The rules across keys (`stealUs < periodUs`, intervals
 * sorted and inside the run, a task's vCPUs below `cpus`, times in whole ns, a policy the kernel has) are
 * `resolveScenario`'s, and each key's description says them. Runtime-neutral.
 * @module
 */
import { MAX_CPUS } from '../trace/events.js';

/** A JSON Schema document, as plain JSON. */
export type JsonSchema = { readonly [keyword: string]: unknown };

const WHOLE_US = 'µs, at most 3 decimals (whole ns)';
const WHOLE_MS = 'ms, at most 6 decimals (whole ns)';

type Sign = 'positive' | 'nonnegative';
const bound = (sign: Sign): JsonSchema => (sign === 'positive' ? { exclusiveMinimum: 0 } : { minimum: 0 });
const withDefault = (value: unknown): JsonSchema => (value === undefined ? {} : { default: value });

function us(description: string, sign: Sign, fallback?: number): JsonSchema {
  return { description: `${description} (${WHOLE_US})`, type: 'number', ...bound(sign), ...withDefault(fallback) };
}

function ms(description: string, sign: Sign, fallback?: number): JsonSchema {
  return { description: `${description} (${WHOLE_MS})`, type: 'number', ...bound(sign), ...withDefault(fallback) };
}

function whole(description: string, minimum: number, maximum: number, fallback?: number): JsonSchema {
  return { description, type: 'integer', minimum, maximum, ...withDefault(fallback) };
}

// How often a workload's runs enter the kernel (update_curr at each system call); 0: never.
function syscall(fallback: number): JsonSchema {
  return us(
    'Task-clock time between its system calls, each an update_curr that can end its EEVDF slice at once; 0: never',
    'nonnegative',
    fallback,
  );
}

// One kind of a tagged union: the tag's constant, the kind's keys, nothing else.
function kind(
  tag: string,
  value: string,
  description: string,
  properties: Record<string, JsonSchema>,
  required: readonly string[],
): JsonSchema {
  return {
    description,
    type: 'object',
    properties: { [tag]: { const: value }, ...properties },
    required: [tag, ...required],
    additionalProperties: false,
  };
}

const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });

const COMM: JsonSchema = {
  description: 'A comm: 1 to 15 characters, no spaces or control characters (the kernel keeps 15 and a NUL).',
  type: 'string',
  pattern: '^[^\\s\\p{Cc}]{1,15}$',
};

const MS_INTERVAL: JsonSchema = {
  description: 'A span from the start of the run: startMs < endMs ≤ durationMs; a list is sorted, not overlapping.',
  type: 'object',
  properties: { startMs: ms('Start', 'nonnegative'), endMs: ms('End, exclusive', 'positive') },
  required: ['startMs', 'endMs'],
  additionalProperties: false,
};

const PID = 4_194_304; // PID_MAX_LIMIT

const STEAL: JsonSchema = {
  description: 'How the host steals from one vCPU.',
  oneOf: [
    kind('kind', 'none', 'No steal.', {}, []),
    kind(
      'kind',
      'constant',
      '`share` of every period stolen at its end.',
      {
        share: { description: 'The share stolen, 0 to less than 1.', type: 'number', minimum: 0, exclusiveMaximum: 1 },
        periodUs: us('The period', 'positive', 1000),
      },
      ['share'],
    ),
    kind(
      'kind',
      'periodic',
      '`stealUs` at the end of every `periodUs` (3600 of 12000: steal in step with the slices).',
      {
        periodUs: us('The period', 'positive'),
        stealUs: us('Stolen per period, less than periodUs', 'nonnegative'),
        phaseUs: us('Where in the period it starts, less than periodUs', 'nonnegative', 0),
      },
      ['periodUs', 'stealUs'],
    ),
    kind(
      'kind',
      'random',
      "Exponential run and steal lengths with these means, from the host's own random stream.",
      { meanRunUs: us('Mean run between steals', 'positive'), meanStealUs: us('Mean steal', 'positive') },
      ['meanRunUs', 'meanStealUs'],
    ),
    kind(
      'kind',
      'intervals',
      'Exactly these steal intervals.',
      {
        intervals: { description: 'Sorted, not overlapping, inside the run.', type: 'array', items: ref('msInterval') },
      },
      ['intervals'],
    ),
    kind(
      'kind',
      'trace',
      "A host's `perf sched record` (perf script or ftrace text): the vCPU thread's time runnable but not running.",
      {
        file: { description: 'The trace, relative to the scenario file.', type: 'string', minLength: 1 },
        tid: whole("The vCPU thread's tid on the host.", 1, PID),
      },
      ['file', 'tid'],
    ),
  ],
};

function distribution(sign: Sign, what: string): JsonSchema {
  return {
    description: `${what}, from the task's own random stream.`,
    oneOf: [
      kind('dist', 'fixed', 'Always the same.', { us: us('The length', sign) }, ['us']),
      kind(
        'dist',
        'uniform',
        'Uniform from minUs to maxUs.',
        { minUs: us('Shortest', sign), maxUs: us('Longest, at least minUs', sign) },
        ['minUs', 'maxUs'],
      ),
      kind('dist', 'exponential', 'Exponential.', { meanUs: us('Mean', 'positive') }, ['meanUs']),
      kind(
        'dist',
        'lognormal',
        'Log-normal.',
        {
          medianUs: us('Median', 'positive'),
          sigma: { description: 'Sigma of the logarithm.', type: 'number', minimum: 0, maximum: 10 },
        },
        ['medianUs', 'sigma'],
      ),
    ],
  };
}

const PHASE: JsonSchema = {
  description: 'Run `runUs` of task-clock time, then sleep `sleepUs` (0: stay runnable), `times` in a row.',
  type: 'object',
  properties: {
    runUs: us('Task-clock time to run', 'positive'),
    sleepUs: us('Sleep after it', 'nonnegative'),
    times: whole('How many times in a row.', 1, 1_000_000_000, 1),
  },
  required: ['runUs', 'sleepUs'],
  additionalProperties: false,
};

const TRACE_WORKLOAD: JsonSchema = {
  ...kind(
    'kind',
    'trace',
    'Each run and sleep of a task in a replayed trace (perf script or ftrace text), chosen by tid, comm or both.',
    {
      file: { description: 'The trace, relative to the scenario file.', type: 'string', minLength: 1 },
      tid: whole('The task in the trace.', 1, PID),
      comm: {
        ...COMM,
        description: 'The task in the trace, by comm (the first such task; with tid, both must match).',
      },
      loop: { description: 'Start again after the last run (else the task exits).', type: 'boolean', default: false },
    },
    ['file'],
  ),
  anyOf: [{ required: ['tid'] }, { required: ['comm'] }],
};

const WORKLOAD: JsonSchema = {
  description: 'What a task does. Run lengths are task-clock time (what CLOCK_THREAD_CPUTIME_ID shows).',
  oneOf: [
    kind('kind', 'cpu', 'Always runnable (a hog).', { syscallUs: syscall(0) }, []),
    kind(
      'kind',
      'periodic',
      'Run runUs of task-clock time, then sleep sleepUs, repeated (traces/kernel/periodic.c).',
      {
        runUs: us('Task-clock time to run', 'positive'),
        sleepUs: us('Sleep after it', 'nonnegative'),
        syscallUs: syscall(2),
      },
      ['runUs', 'sleepUs'],
    ),
    kind(
      'kind',
      'bursts',
      'Random run and sleep lengths.',
      {
        run: distribution('positive', 'Run lengths'),
        sleep: distribution('nonnegative', 'Sleep lengths'),
        syscallUs: syscall(0),
      },
      ['run', 'sleep'],
    ),
    kind(
      'kind',
      'phases',
      'The phases in order.',
      {
        phases: { description: 'At least one.', type: 'array', items: ref('phase'), minItems: 1 },
        loop: { description: 'Start again after the last.', type: 'boolean', default: true },
      },
      ['phases'],
    ),
    TRACE_WORKLOAD,
  ],
};

const TASK: JsonSchema = {
  description: 'A group of tasks: `count` tasks alike, each with its own tid (from 1000, in order) and random stream.',
  type: 'object',
  properties: {
    name: { ...COMM, description: 'The comm of each task (1 to 15 characters, no spaces or control characters).' },
    nice: whole('Nice value (fair policies).', -20, 19, 0),
    priority: whole('Real-time priority (rr, fifo).', 1, 99, 50),
    cpus: {
      description: 'The vCPUs it may run on, each below `cpus` (default: all).',
      type: 'array',
      items: { type: 'integer', minimum: 0, maximum: MAX_CPUS - 1 },
      minItems: 1,
      uniqueItems: true,
    },
    count: whole('How many such tasks.', 1, 10_000, 1),
    startMs: ms('When it is created, less than durationMs', 'nonnegative', 0),
    stopMs: ms('When it exits, more than startMs and at most durationMs (default: runs to the end)', 'positive'),
    workload: ref('workload'),
  },
  required: ['name', 'workload'],
  additionalProperties: false,
};

const HOST: JsonSchema = {
  description: "The host's side: steal by vCPU, whole-VM pauses, the ABI steal is read through.",
  type: 'object',
  properties: {
    steal: {
      description: 'Steal by vCPU index: keys "0", "1", … (each below `cpus`) and "*" for every other vCPU.',
      type: 'object',
      propertyNames: { pattern: '^(0|[1-9][0-9]{0,4}|\\*)$' },
      additionalProperties: ref('steal'),
      default: {},
    },
    pauses: {
      description: "Whole-VM pauses: nothing runs and the guest's clock stops (not steal). Sorted, inside the run.",
      type: 'array',
      items: ref('msInterval'),
      default: [],
    },
    abi: { description: 'The ABI the guest reads steal through.', enum: ['x86', 'arm64', 'xen'], default: 'x86' },
  },
  additionalProperties: false,
};

const SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'schedacct scenario',
  description: 'A scheduler experiment for `schedacct simulate`: the guest kernel, the host steal, the tasks.',
  type: 'object',
  properties: {
    kernel: {
      description: 'Kernel version "MAJOR.MINOR": picks the rules (EEVDF from 6.6, its base slice by version).',
      type: 'string',
      pattern: '^[0-9]{1,2}\\.[0-9]{1,3}(\\.[0-9]{1,4})?$',
      default: '6.18',
    },
    policy: {
      description:
        'eevdf (kernels from 6.6), cfs (before 6.6), rr, fifo, or the path of a policy module (default: by kernel).',
      type: 'string',
      minLength: 1,
    },
    hz: { description: 'Tick rate (CONFIG_HZ).', enum: [100, 250, 300, 1000], default: 250 },
    cpus: whole('vCPUs.', 1, MAX_CPUS, 1),
    durationMs: ms('Simulated time', 'positive', 1000),
    seed: whole('Seed of every random stream.', 0, 0xffff_ffff, 1),
    accounting: {
      description: "The run-queue clock's steal policy: drop (Linux now), carry (before), none (charges wall time).",
      enum: ['drop', 'carry', 'none'],
      default: 'drop',
    },
    host: ref('host'),
    tasks: { description: 'The tasks: at least one group.', type: 'array', items: ref('task'), minItems: 1 },
  },
  required: ['tasks'],
  additionalProperties: false,
  $defs: {
    host: HOST,
    steal: STEAL,
    msInterval: MS_INTERVAL,
    task: TASK,
    workload: WORKLOAD,
    phase: PHASE,
  },
};

/**
 * The JSON Schema (draft 2020-12) of a scenario: what `schedacct simulate --schema` prints and
 * `schema/scenario.schema.json` holds.
 * @returns a fresh copy of the schema
 * @example
 * ```ts
 * const schema = scenarioSchema();
 * schema.$schema; // 'https://json-schema.org/draft/2020-12/schema'
 * Object.keys(schema.properties as object).includes('tasks'); // true
 * ```
 */
export function scenarioSchema(): JsonSchema {
  return JSON.parse(JSON.stringify(SCHEMA)) as JsonSchema;
}
