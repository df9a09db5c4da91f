#!/usr/bin/env bash
# The lab's guest suite: everything test/kernel/*.test.ts checks, in one boot.
#
#   suite.sh [NAME=VALUE...] [SCENARIO...]
#
# Scenarios: the CI set by default (LAB_SUITE=ci); LAB_SUITE=full adds the
# fault sweep over every step (faults-full) and the mixed plan's sample;
# naming scenarios runs only those (bench: the 10,000-server bench, which
# `npm run bench:kernel` runs on its own).
#
# NAME=VALUE arguments are exported to the scenarios (LAB_SUITE=full,
# LAB_BENCH_PER=10, ...; `npm run test:kernel` passes the LAB_* variables of
# its environment this way).
#
# Lanes: the scenarios run LAB_LANES at a time (default: one per vCPU), each
# lane in a private mount namespace with its own /run/netns (so every
# scenario keeps its namespace names: lb, rs1, ...) and its own
# update-alternatives state (arptables legacy or nft). A lane takes the next
# scenario from the queue, longest first.
#
# Time: the suite first measures this machine (a fixed piece of work: process
# starts and an lvsh start), prints `lvsh-lab: calibration ...` and `lvsh-lab:
# budget SECONDS` on the console (lab.sh kills the VM when the budget is
# spent and names the scenarios that were running), and gives each scenario
# a limit scaled the same way. Each scenario's start and end go to the
# console too. suite.json lists every scenario with its exit status, lane,
# start and time; the exit status is only for people (the tests read the JSON).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The scenarios run from a copy: an edit on the host during a run (the guest
# reads the host's tree) cannot change a script under bash's feet.
if [[ -z ${LAB_ROOT:-} ]]; then
  LAB_ROOT=$(cd "$here/../../.." && pwd)
  export LAB_ROOT
  rm -rf /run/lvsh-lab-guest
  cp -a "$here" /run/lvsh-lab-guest || exit 1
  exec bash /run/lvsh-lab-guest/suite.sh "$@"
fi
root=$LAB_ROOT
R=${LVSH_LAB_RESULTS:-/tmp/lvsh-lab-results}
mkdir -p "$R"

while (($#)) && [[ $1 == *=* ]]; do
  export "${1?}"
  shift
done

# say TEXT: a line for the host (lab.sh reads the console).
say() { echo "lvsh-lab: $*" >/dev/console 2>/dev/null || echo "lvsh-lab: $*" >&2; }

# The bundle, copied once (times kept: the launcher's snapshot check): a
# rebuild of dist/ on the host during the run cannot change it under the
# scenarios.
export LAB_LVSH=/run/lvsh-lab-dist/lvsh
rm -rf /run/lvsh-lab-dist
cp -a "$root/dist" /run/lvsh-lab-dist || {
  echo "suite: no dist/ to copy (npm run build)" >&2
  exit 1
}
# V8 takes a startup snapshot only on the CPU that made it: the guest's is
# not the host's, so lvsh's snapshot is made again here, as `npm run build`
# does on a director (without it lvsh starts ~5x slower under TCG). It is
# made in the background while the scenarios that do not run lvsh (smoke)
# go first; the others wait for it (the file `ready`).
SNAP=/run/lvsh-lab-snapshot
rm -rf "$SNAP"
mkdir -p "$SNAP"
(
  t0=${EPOCHREALTIME/./}
  node /run/lvsh-lab-dist/snapshot.mjs /run/lvsh-lab-dist >"$SNAP/log" 2>&1
  ok=false
  # whether node takes it
  node --snapshot-blob /run/lvsh-lab-dist/lvsh.blob -- --version >/dev/null 2>&1 && ok=true
  printf '{"snapshot_ms": %s, "snapshot_ok": %s}\n' "$(((${EPOCHREALTIME/./} - t0) / 1000))" "$ok" >"$SNAP/result.json"
  echo "lvsh-lab: snapshot made ($(<"$SNAP/result.json"))" >/dev/console
  touch "$SNAP/ready"
) &
# Debian's default arptables build; each lane has its own copy of this state
# (copied from the root's 9p share once, here: from tmpfs, a lane's copy is quick).
update-alternatives --quiet --set arptables /usr/sbin/arptables-nft >/dev/null
ALT=/run/lvsh-lab-alternatives
rm -rf "$ALT"
mkdir -p "$ALT"
cp -a /etc/alternatives "$ALT/etc" && cp -a /var/lib/dpkg/alternatives "$ALT/dpkg" || exit 1

# Each scenario: its command and its nominal time in seconds on the
# reference machine (calibration REF_CALIB_MS there), which orders the queue
# (longest first) and sets its limit.
declare -A CMD=(
  [smoke-ok]="smoke.sh ok" [smoke-no-mangle]="smoke.sh no-mangle"
  [dr-arptables-nft]="scenario-dr.sh arptables-nft" [dr-arptables-legacy]="scenario-dr.sh arptables-legacy"
  [dr-sysctl]="scenario-dr.sh sysctl" [dr-sysctl-eth0]="scenario-dr.sh sysctl-eth0"
  [netns-director]="scenario-netns-director.sh" [wrr]="scenario-wrr.sh" [nat]="scenario-nat.sh"
  [tun]="scenario-tun.sh" [rollback]="scenario-rollback.sh" [faults]="scenario-faults.sh ci" [drain]="scenario-drain.sh" [watch]="scenario-watch.sh"
  [faults-full]="scenario-faults.sh full" [capture]="scenario-capture.sh" [batch]="scenario-bench.sh batch"
  [bench]="scenario-bench.sh bench" [import]="scenario-import.sh"
  [fleet]="scenario-fleet.sh" [ha]="scenario-ha.sh"
)
declare -A NOMINAL=(
  [smoke-ok]=12 [smoke-no-mangle]=20 [dr-arptables-nft]=45 [dr-arptables-legacy]=30 [dr-sysctl]=35
  [dr-sysctl-eth0]=25 [netns-director]=15 [wrr]=30 [nat]=35 [tun]=45 [rollback]=30 [faults]=85 [drain]=70 [watch]=40
  [faults-full]=200 [capture]=60 [batch]=20 [bench]=120 [import]=240 [fleet]=300 [ha]=150
)
# the scenarios that do not run lvsh (they go first, while its snapshot is made)
declare -A NO_LVSH=([smoke-ok]=1 [smoke-no-mangle]=1)
CI=(smoke-ok smoke-no-mangle dr-arptables-nft dr-arptables-legacy dr-sysctl dr-sysctl-eth0
  netns-director wrr nat tun rollback faults drain watch capture batch import)
# ha (two keepalived directors, six commits, two fail-overs: 230 s in one lane) is the full suite's:
# with it a fresh clone's .ci/run took 20 min 44 s on a quiet 2-core machine, over CI's 20 minutes
case ${LAB_SUITE:-ci} in
  ci) ALL=("${CI[@]}") ;;
  full) ALL=("${CI[@]/#faults/faults-full}" ha) ;;
  *)
    echo "suite: LAB_SUITE must be ci or full, not ${LAB_SUITE}" >&2
    exit 2
    ;;
esac
(($#)) && ALL=("$@")
for name in "${ALL[@]}"; do
  [[ -n ${CMD[$name]:-} ]] || {
    echo "suite: unknown scenario $name (known: ${!CMD[*]})" >&2
    exit 2
  }
done

# ---------------------------------------------------------------- calibration

# calib_ms: a fixed piece of work like the scenarios' (10 process starts and
# a node start, after one to warm the caches), in ms.
calib_ms() {
  node -e 0
  local t0=${EPOCHREALTIME/./} i
  for ((i = 0; i < 10; i++)); do /bin/true; done
  node -e 0
  echo $(((${EPOCHREALTIME/./} - t0) / 1000))
}
# The reference machine's figure (a 2-core AMD EPYC host, 2 vCPUs under TCG
# as Westmere, while the snapshot is being made beside it).
REF_CALIB_MS=1700
calib=$(calib_ms)
# factor (x100) by which this machine is slower than the reference; never
# below 1 (a faster machine keeps the reference's limits).
factor=$(((calib * 100 + REF_CALIB_MS - 1) / REF_CALIB_MS))
((factor < 100)) && factor=100
lanes=${LAB_LANES:-$(nproc 2>/dev/null || echo 1)}
((lanes < 1)) && lanes=1
((lanes > ${#ALL[@]})) && lanes=${#ALL[@]}
# a scenario's limit: 4x its nominal time, scaled; the budget: the whole
# queue on one lane at 2x, scaled, plus a minute (it only catches a hang that
# the scenarios' own limits miss)
limit_of() { echo $(((NOMINAL[$1] * 4 * factor + 99) / 100 + 30)); }
total=0
for name in "${ALL[@]}"; do total=$((total + NOMINAL[$name])); done
budget=$(((total * 2 * factor + 99) / 100 + 60))
say "calibration ${calib} ms (reference ${REF_CALIB_MS} ms: factor $((factor / 100)).$(printf %02d $((factor % 100)))), $lanes lane(s), ${#ALL[@]} scenarios"
say "budget $budget"
printf '{"calib_ms": %s, "ref_calib_ms": %s, "factor": %s, "lanes": %s, "budget_s": %s, "suite": "%s"}\n' \
  "$calib" "$REF_CALIB_MS" "$(awk -v f="$factor" 'BEGIN { printf "%.2f", f / 100 }')" "$lanes" "$budget" "${LAB_SUITE:-ci}" >"$R/calibration.json"

# ---------------------------------------------------------------- lanes

# The queue, longest first: one name per line; lanes take lines under a lock.
Q=/run/lvsh-lab-queue
rm -rf "$Q" "$R/suite.d"
mkdir -p "$Q" "$R/suite.d"
# the scenarios without lvsh first, then the longest first
for name in "${ALL[@]}"; do printf '%s %s %s\n' "${NO_LVSH[$name]:-0}" "${NOMINAL[$name]}" "$name"; done |
  sort -k1,1nr -k2,2nr | awk '{ print $3 }' >"$Q/todo"
: >"$Q/lock"
T0=${EPOCHREALTIME/./}

# next: the next scenario's name (empty when the queue is done).
next() {
  local name
  exec {fd}<>"$Q/lock"
  flock "$fd"
  name=$(head -n 1 "$Q/todo")
  sed -i '1d' "$Q/todo"
  flock -u "$fd"
  exec {fd}>&-
  printf '%s' "$name"
}

# lane N: runs scenarios until the queue is empty (inside its own mount
# namespace: see run_lane).
lane() {
  local n=$1 name cmd t0 code ms start
  # its own namespace names and arptables alternative
  mount -t tmpfs "lane$n-netns" /run/netns || return 1
  local alt=/run/lvsh-lab-lane$n
  rm -rf "$alt"
  cp -a "$ALT" "$alt" || return 1
  mount --bind "$alt/etc" /etc/alternatives && mount --bind "$alt/dpkg" /var/lib/dpkg/alternatives || return 1
  while name=$(next) && [[ -n $name ]]; do
    cmd=${CMD[$name]}
    [[ -n ${NO_LVSH[$name]:-} ]] || until [[ -e $SNAP/ready ]]; do sleep 0.2; done
    t0=${EPOCHREALTIME/./}
    start=$(((t0 - T0) / 1000))
    say "scenario $name start lane $n"
    echo "suite: $name (lane $n)" >&2
    # shellcheck disable=SC2086
    LAB_LANE=$n timeout --kill-after=10 "$(limit_of "$name")" bash "$here"/$cmd
    code=$?
    ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
    ((code == 124 || code == 137)) && echo "suite: $name: killed after its limit of $(limit_of "$name") s" >&2
    say "scenario $name end exit $code ms $ms"
    echo "suite: $name: exit $code, $ms ms" >&2
    printf '{"name": "%s", "exit": %s, "ms": %s, "lane": %s, "start_ms": %s, "limit_s": %s}\n' \
      "$name" "$code" "$ms" "$n" "$start" "$(limit_of "$name")" >"$R/suite.d/$name.json"
    # a scenario that died (or was killed: its process group goes with it)
    # leaves no namespace, and no other arptables build, to the next one
    ip -all netns delete 2>/dev/null
    update-alternatives --quiet --set arptables /usr/sbin/arptables-nft >/dev/null
  done
}

mkdir -p /run/netns
export -f lane next say limit_of
export here Q T0 R factor SNAP ALT
export CMD_DEF NOMINAL_DEF NO_LVSH_DEF
CMD_DEF=$(declare -p CMD)
NOMINAL_DEF=$(declare -p NOMINAL)
NO_LVSH_DEF=$(declare -p NO_LVSH)
pids=()
for ((n = 1; n <= lanes; n++)); do
  unshare --mount --propagation private bash -c 'eval "$CMD_DEF"; eval "$NOMINAL_DEF"; eval "$NO_LVSH_DEF"; lane "$1"' _ "$n" &
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
wait
cp "$SNAP/result.json" "$R/snapshot.json" 2>/dev/null

entries=()
for name in "${ALL[@]}"; do
  f=$R/suite.d/$name.json
  if [[ -f $f ]]; then
    entries+=("$(<"$f")")
    grep -q '"exit": 0,' "$f" || rc=1
  else
    entries+=("{\"name\": \"$name\", \"exit\": null, \"ms\": 0}")
    rc=1
  fi
done
wall=$(((${EPOCHREALTIME/./} - T0) / 1000))
printf '{"wall_ms": %s, "lanes": %s, "scenarios": [%s]}\n' "$wall" "$lanes" "$(IFS=,; echo "${entries[*]}")" >"$R/suite.json"
say "suite done in $wall ms"
exit "$rc"
