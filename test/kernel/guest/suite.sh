#!/usr/bin/env bash
# The lab's guest suite: everything test/kernel/*.test.ts checks, in one boot.
#
#   suite.sh [NAME=VALUE...] [SCENARIO...]   (default: all, in the order below)
#
# NAME=VALUE arguments are exported to the scenarios (LAB_FAULTS_MIXED=all,
# LAB_BENCH_PER=10, ...; `npm run test:kernel` passes the LAB_* variables of
# its environment this way). LAB_SCENARIO_TIMEOUT: seconds one scenario may
# take (300).
# Each scenario writes its JSON into $LVSH_LAB_RESULTS; suite.json lists them
# with their exit status and time. The exit status is only for people (the
# tests read the JSON).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
R=${LVSH_LAB_RESULTS:-/tmp/lvsh-lab-results}
mkdir -p "$R"

# The bundle, copied once: a rebuild of dist/ on the host during the run
# cannot change it under the scenarios.
export LAB_LVSH=/run/lvsh-lab-dist/lvsh.mjs
rm -rf /run/lvsh-lab-dist
cp -r "$root/dist" /run/lvsh-lab-dist || { echo "suite: no dist/ to copy (npm run build)" >&2; exit 1; }
# Debian's default arptables build; scenarios that switch it switch it back.
update-alternatives --quiet --set arptables /usr/sbin/arptables-nft >/dev/null

ALL=(smoke-ok smoke-no-mangle dr-arptables-nft dr-arptables-legacy dr-sysctl dr-sysctl-eth0
  netns-director wrr nat tun rollback faults capture bench)
while (($#)) && [[ $1 == *=* ]]; do
  export "${1?}"
  shift
done
(($#)) && ALL=("$@")

declare -A CMD=(
  [smoke-ok]="smoke.sh ok" [smoke-no-mangle]="smoke.sh no-mangle"
  [dr-arptables-nft]="scenario-dr.sh arptables-nft" [dr-arptables-legacy]="scenario-dr.sh arptables-legacy"
  [dr-sysctl]="scenario-dr.sh sysctl" [dr-sysctl-eth0]="scenario-dr.sh sysctl-eth0"
  [netns-director]="scenario-netns-director.sh" [wrr]="scenario-wrr.sh" [nat]="scenario-nat.sh"
  [tun]="scenario-tun.sh" [rollback]="scenario-rollback.sh" [faults]="scenario-faults.sh"
  [capture]="scenario-capture.sh" [bench]="scenario-bench.sh"
)

rc=0 entries=()
for name in "${ALL[@]}"; do
  cmd=${CMD[$name]:-}
  if [[ -z $cmd ]]; then
    echo "suite: unknown scenario $name" >&2
    rc=1
    continue
  fi
  t0=${EPOCHREALTIME/./}
  echo "suite: $name" >&2
  # shellcheck disable=SC2086
  timeout --kill-after=10 "${LAB_SCENARIO_TIMEOUT:-300}" bash "$here"/$cmd
  code=$?
  ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
  ((code == 0)) || rc=1
  entries+=("{\"name\": \"$name\", \"exit\": $code, \"ms\": $ms}")
  echo "suite: $name: exit $code, $ms ms" >&2
  # a scenario that died (or was killed: its process group goes with it) leaves
  # no namespace, and no other arptables build, to the next one
  ip -all netns delete 2>/dev/null
  update-alternatives --quiet --set arptables /usr/sbin/arptables-nft >/dev/null
done
printf '{"scenarios": [%s]}\n' "$(IFS=,; echo "${entries[*]}")" >"$R/suite.json"
exit "$rc"
