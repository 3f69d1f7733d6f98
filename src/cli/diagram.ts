/**
 * `schedacct diagram`: a machine as a Mermaid `stateDiagram-v2`, generated from its definition.
 * @module
 */
import type { MachineDefinition } from '../machines/compile.js';
import { EXIT_STATUS, oneOf, parseCommand, UsageError } from './args.js';

const MACHINES = ['task', 'vcpu', 'stable-read'] as const;
type MachineName = (typeof MACHINES)[number];
// Mermaid is what it prints: a --format that says so, and refuses what it would not print.
const FORMATS = ['mermaid'] as const;

const OPTIONS = {
  compact: { type: 'boolean' },
  lifecycle: { type: 'boolean' },
  format: { type: 'string' },
} as const;

/** `schedacct diagram --help`. */
export const help: string = `schedacct diagram: a machine as a Mermaid stateDiagram-v2, generated from its definition

usage: schedacct diagram [options] [MACHINE]

MACHINE is task (default: a task's lifecycle, as the replay runs it), vcpu (the host's view of one
vCPU) or stable-read (the Arm PV-time stable read of stolen time and the counter).

options:
  --compact        one edge per state, event and target: the ordinary path, with the number of
                   further guarded alternatives (the anomaly paths) in its label
  --lifecycle      the readable view: top-level states, one edge per pair of states with its
                   events and the number of guarded (anomaly) paths; no actions, self-loops or notes
  --format FORMAT  mermaid (default; the only one)
  -h, --help       this text

${EXIT_STATUS}`;

// The machines, loaded when the command runs (XState comes with them).
async function definition(name: MachineName): Promise<MachineDefinition> {
  switch (name) {
    case 'task':
      return (await import('../machines/task.js')).taskMachine;
    case 'vcpu':
      return (await import('../host/vcpu.js')).vcpuMachine;
    case 'stable-read':
      return (await import('../machines/stable-read.js')).stableReadMachine;
  }
}

/**
 * Runs `schedacct diagram`.
 * @param args - the arguments after `diagram`
 * @returns the exit status
 * @throws {@link UsageError} for options, values or arguments it does not take
 */
export async function run(args: readonly string[]): Promise<number> {
  const parsed = parseCommand('diagram', args, OPTIONS, help, { max: 1, what: 'one MACHINE at most' });
  if (parsed === undefined) return 0;
  const { values, positionals } = parsed;
  oneOf('diagram', 'format', values.format, FORMATS, 'mermaid');
  const name = positionals[0] ?? 'task';
  if (!(MACHINES as readonly string[]).includes(name)) {
    throw new UsageError('diagram', `MACHINE is task, vcpu or stable-read, got '${name}'`);
  }
  const [machine, { toMermaid }] = await Promise.all([definition(name as MachineName), import('../export/mermaid.js')]);
  if (values.compact === true && values.lifecycle === true) {
    throw new UsageError('diagram', '--compact and --lifecycle are two views: give one');
  }
  process.stdout.write(toMermaid(machine, { compact: values.compact === true, lifecycle: values.lifecycle === true }));
  return 0;
}
