#!/bin/sh
# Another simulator drives schedacct: the Python client and host simulator (clients/python, standard library only)
# speak the protocol to `schedacct serve --stdio`, in model mode (the host runs the guest and sends task events) and
# in step mode (schedacct runs the guest, the host supplies steal). Skipped when python3 is missing. Run after
# `npm run build`; SCHEDACCT_CMD=schedacct to use an installed command.
set -eu
cd "$(dirname "$0")/.."
if ! command -v python3 >/dev/null 2>&1; then
  echo 'python3 not found: skipped'
  exit 0
fi

echo '== the client: a short session (a slice with 1 ms stolen, a refused event, the ledger)'
python3 clients/python/schedacct_client.py
echo
echo '== model mode: 2 vCPUs, 2 hogs and 2 sleepers round robin, the host steals 1-3 ms every 10 ms (seed 1)'
python3 clients/python/host_sim.py --mode model --seed 1
echo
echo '== step mode: schedacct simulates the guest, the host supplies the same steal'
python3 clients/python/host_sim.py --mode step --seed 1
