#!/bin/sh
# A sweep: three hogs on one vCPU whose host steals a share of every 12 ms, from 0 to 50 %, with and without
# steal-aware accounting, 5 seeds per point; a text table with the mean and a 95 % interval per cell (Jain's index
# over charged time per weight and over real CPU). --format csv gives one row per run instead. Run after
# `npm run build`; SCHEDACCT=schedacct to use an installed command.
set -eu
cd "$(dirname "$0")/.."
S="${SCHEDACCT:-node dist/bin/schedacct.js}"

$S simulate examples/scenarios/steal-sweep.json \
  --sweep 'host.steal.*.share=0,0.1,0.2,0.3,0.4,0.5' --sweep accounting=none,drop --seeds 5 --format text
