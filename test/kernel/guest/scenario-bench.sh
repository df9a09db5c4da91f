#!/usr/bin/env bash
# Bench (issue 4, scenario 8): a commit of 10,000 real servers through lvsh
# against a bare `ipvsadm -R` of the same rules, in the same guest, on the
# director's namespace: 100 services x 100 real servers (weights 1-5) -- the
# table of `npm run bench` -- without ARP hiding (lvsh touches the director
# only) and without binding the VIP, so that both sides load exactly one
# IPVS table of 10,100 entries.
#
#   scenario-bench.sh bench|batch
#
# bench (`npm run bench:kernel`, alone in its boot: the trace is the whole
# guest's) is the above; batch (in the CI suite) is the same with 3 x 100
# real servers, no trace, and every ipvsadm lvsh runs logged by a wrapper
# first on its PATH: the smoke of the batch path (one `ipvsadm -R`).
#
#   bare   `ip netns exec lb ipvsadm -R < rules`, before and after each lvsh run
#   lvsh   `ip netns exec lb node lvsh.mjs --yes --target local bench.lvsh`
#          (lab_lvsh) from a fresh state directory, on an empty table:
#          LAB_BENCH_RUNS times in bench (default 4), alternating with the
#          bare runs (a TCG guest's speed drifts: in one boot a bare run took
#          7.2 s, a later one 15.3 s); the ratio is the median of each lvsh
#          run over the bare runs on either side (bench.ts). Once in batch.
#   node   `node -e 0` and `lvsh --version`: node's own start-up, and the bundle's
#
# During the lvsh run the kernel's sched_process_{fork,exec,exit} tracepoints
# record (tracefs: no ptrace, no measurable cost) when each process lvsh
# starts begins and ends: the breakdown. Between runs the table is emptied
# with `ipvsadm -C`.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mode=${1:-bench}
case $mode in
  bench) SERVICES=${LAB_BENCH_SERVICES:-100} PER=${LAB_BENCH_PER:-100} ;;
  batch) SERVICES=${LAB_BATCH_SERVICES:-3} PER=${LAB_BATCH_PER:-100} ;;
  *)
    echo "usage: scenario-bench.sh bench|batch" >&2
    exit 2
    ;;
esac
lab_begin "$mode"
lab_ns sw lb || lab_fail "cannot create the namespace"
lab_segment br0 "lb:eth0:192.0.2.1/24" || lab_fail "cannot build the topology"

# On the guest's tmpfs, not the results share (9p): both sides read their input locally.
work=$(mktemp -d /run/lvsh-lab-bench.XXXXXX)
LAB_TMP+=("$work")
rules=$work/rules.ipvsadm
script=$work/bench.lvsh
{
  echo "host director via netns lb"
  echo "vip 10.0.0.1"
  for ((s = 0; s < SERVICES; s++)); do
    echo "service :$((10000 + s)) wrr"
    for ((r = 0; r < PER; r++)); do echo "add rs 10.0.$((1 + r / 250)).$((1 + r % 250)) weight $((1 + r % 5))"; done
  done
  echo "commit comment bench"
} >"$script"
{
  for ((s = 0; s < SERVICES; s++)); do
    port=$((10000 + s))
    echo "-A -t 10.0.0.1:$port -s wrr"
    for ((r = 0; r < PER; r++)); do echo "-a -t 10.0.0.1:$port -r 10.0.$((1 + r / 250)).$((1 + r % 250)):$port -g -w $((1 + r % 5))"; done
  done
} >"$rules"

# timed_ms CMD...: runs CMD, prints its wall time in ms (its output goes to /dev/null).
timed_ms() {
  local t0
  t0=$(now)
  "$@" >/dev/null 2>&1
  ms_since "$t0"
}
# trace_on / trace_off: the scheduler's process tracepoints around the lvsh
# run. trace_on prints why there is no trace as a JSON string ("" when on);
# trace_off prints the trace as a JSON string.
T=/sys/kernel/tracing
EVENTS=(sched/sched_process_fork sched/sched_process_exec sched/sched_process_exit)
trace_on() {
  { mountpoint -q "$T" || mount -t tracefs nodev "$T"; } 2>/dev/null || { jstr "no tracefs"; return; }
  { echo 0 >"$T/tracing_on" && : >"$T/trace" && echo 4096 >"$T/buffer_size_kb"; } 2>/dev/null || { jstr "cannot reset the trace"; return; }
  local e
  for e in "${EVENTS[@]}"; do echo 1 2>/dev/null >"$T/events/$e/enable" || { jstr "no $e"; return; }; done
  echo 1 >"$T/tracing_on"
  jstr ""
}
trace_off() {
  local e
  echo 0 2>/dev/null >"$T/tracing_on" || { jstr ""; return; }
  for e in "${EVENTS[@]}"; do echo 0 2>/dev/null >"$T/events/$e/enable"; done
  jfile "$T/trace"
  : >"$T/trace"
}
table_lines() { ip netns exec lb ipvsadm -Sn | wc -l; }
# run_ms RECORD: the "ms" of a lab_lvsh record (its last field)
run_ms() {
  local s=${1##*\"ms\": }
  echo "${s%%[!0-9]*}"
}
empty_table() { timed_ms ip netns exec lb ipvsadm -C; }

node_ms=$(timed_ms node -e 0)
version_ms=$(timed_ms "$LAB_LVSH" --version)

bare1=$(timed_ms ip netns exec lb ipvsadm -R <"$rules")
bare_lines=$(table_lines)
ip netns exec lb ipvsadm -Sn >"$work/bare.save"
save_ms=$(timed_ms ip netns exec lb ipvsadm -Sn)
thresholds_ms=$(timed_ms ip netns exec lb ipvsadm -Ln --thresholds)
clear1=$(empty_table)

# batch: the ipvsadm lvsh runs, each logged (argv, and the lines of a -R) by a wrapper
calls=$work/ipvsadm.calls
if [[ $mode == batch ]]; then
  mkdir -p "$work/bin"
  printf '%s\n' '#!/bin/sh' "{ printf '%s\n' \"\$*\"; } >>$calls" \
    'case "$*" in -R*) tee -a '"$work/restore.in"' | /usr/sbin/ipvsadm "$@"; exit $? ;; esac' 'exec /usr/sbin/ipvsadm "$@"' >"$work/bin/ipvsadm"
  chmod +x "$work/bin/ipvsadm"
  : >"$calls"
  tracing=$(jstr "not traced (batch: other lanes run beside it)")
  lvsh=$(lab_lvsh "PATH=$work/bin:$PATH" -- "$script")
  trace='""'
else
  tracing=$(trace_on)
  lvsh=$(lab_lvsh -- "$script")
  trace=$(trace_off)
fi
lvsh_lines=$(table_lines)
ip netns exec lb ipvsadm -Sn >"$work/lvsh.save"
same=false
cmp -s "$work/bare.save" "$work/lvsh.save" && same=true
clear2=$(empty_table)

bare2=$(timed_ms ip netns exec lb ipvsadm -R <"$rules")
clear3=$(empty_table)
bare_all=("$bare1" "$bare2")
lvsh_all=("$(run_ms "$lvsh")")
# more runs, alternating (bench only): lvsh from a fresh state directory each time, on an empty table
if [[ $mode == bench ]]; then
  for ((i = 2; i <= ${LAB_BENCH_RUNS:-4}; i++)); do
    more=$(lab_lvsh "LVSH_STATE_DIR=$work/state$i" -- "$script")
    [[ $(table_lines) == "$bare_lines" ]] || lab_fail "lvsh run $i did not load the table: $more"
    lvsh_all+=("$(run_ms "$more")")
    empty_table >/dev/null
    bare_all+=("$(timed_ms ip netns exec lb ipvsadm -R <"$rules")")
    empty_table >/dev/null
  done
fi

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" services "$SERVICES" per_service "$PER" \
  entries "$((SERVICES * PER + SERVICES))" node_ms "$node_ms" lvsh_version_ms "$version_ms" \
  bare_ms "[$(IFS=,; echo "${bare_all[*]}")]" lvsh_runs_ms "[$(IFS=,; echo "${lvsh_all[*]}")]" bare_lines "$bare_lines" save_ms "$save_ms" thresholds_ms "$thresholds_ms" \
  clear_ms "[$clear1, $clear2, $clear3]" lvsh "$lvsh" lvsh_lines "$lvsh_lines" \
  same_table "$same" tracing "$tracing" trace "$trace" ipvsadm_calls "$(jfile "$calls")" \
  restore_lines "$( [[ -f $work/restore.in ]] && wc -l <"$work/restore.in" || echo 0)" ms "$(ms_since "$LAB_T0")")"
