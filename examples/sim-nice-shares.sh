#!/bin/sh
# Nice shares against the real kernel: a hog at nice 0 and one at nice 5 pinned to CPU 1 of a 2-vCPU Linux 6.18 guest
# (fixtures/kernel/nice0v5: 74.97 % / 25.03 % of their run time, 8.8 ms and 3.8 ms mean slices), replayed from the
# recording, then simulated from its scenario; then four hogs at nice -5, 0, 5, 10 sharing one vCPU by weight
# (3121 : 1024 : 335 : 110). Run after `npm run build`; SCHEDACCT=schedacct to use an installed command.
set -eu
cd "$(dirname "$0")/.."
S="${SCHEDACCT:-node dist/bin/schedacct.js}"

echo '== recorded (perf sched record, Linux 6.18, HZ=250): the two hogs'
$S replay fixtures/kernel/nice0v5.perf.txt.gz --report summary | grep -E 'comm|hog\['
echo
echo '== simulated: examples/scenarios/nice0v5.json'
$S simulate examples/scenarios/nice0v5.json
echo
echo '== four hogs at nice -5, 0, 5, 10 on one vCPU: shares by weight'
$S simulate examples/scenarios/nice-shares.json
