#!/bin/sh
# The resonant-steal starvation: three CPU-bound tasks on one vCPU whose host steals 3.6 ms at the end of every 12 ms.
# The 4 ms tick hands each task one tick in turn, so the third always runs into the steal. Charged wall time
# (accounting none: no paravirt steal accounting) it gets about a tenth of the others' real CPU; charged what it ran
# (drop, the kernel's steal-aware clock) it catches up and the three stay fair. Compare the real-CPU column and Jain's
# index over real CPU. Run from anywhere after `npm run build`; SCHEDACCT=schedacct to use an installed command.
set -eu
cd "$(dirname "$0")/.."
S="${SCHEDACCT:-node dist/bin/schedacct.js}"

echo '== charged wall time (accounting: none)'
$S simulate examples/scenarios/resonant-steal.json --set accounting=none
echo
echo '== steal-aware (accounting: drop)'
$S simulate examples/scenarios/resonant-steal.json --set accounting=drop
echo
echo '== both, and the carry policy of kernels before 108ad0999085, as one table over 5 seeds'
$S simulate examples/scenarios/resonant-steal.json --sweep accounting=none,carry,drop --seeds 5 --format text
