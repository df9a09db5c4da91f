#!/usr/bin/env bash
# Fleet bench (issue 15): the seed's shape -- a VIP, a service, `arp hide on
# rs` -- committed to 1, 10 and 100 real servers, each a network namespace
# reached through the netns transport with LVSH_TEST_DELAY_MS added to every
# round trip (as ssh over a network would), lvsh running the real servers'
# phases side by side (--parallel, default 16). Each size from fresh
# namespaces and a fresh state directory. Nothing listens on the real
# servers, so the commit is `commit force` (the readiness checks run and
# warn). Times are printed by the test, not asserted: under TCG every process
# costs ~100-200 ms, so 100 real servers are bound by the guest's 2 vCPUs,
# not by the round trips the parallel phases overlap.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_begin fleet
DELAY=${LAB_FLEET_DELAY_MS:-50}
SIZES=(${LAB_FLEET_SIZES:-1 10 100})
# 100 real servers under TCG take minutes (every process start is ~100-200 ms of emulated CPU):
# more than the 180 s a scenario's lvsh run gets by default
LAB_LVSH_TIMEOUT=${LAB_FLEET_LVSH_TIMEOUT:-900}

runs=()
for n in "${SIZES[@]}"; do
  names=(lb)
  for ((i = 1; i <= n; i++)); do names+=("f$i"); done
  lab_ns "${names[@]}" || lab_fail "cannot create $n namespaces"
  for ns in "${names[@]}"; do printf '%s\n' "link add eth0 type dummy" "link set eth0 up" | ip -n "$ns" -b - || lab_fail "no eth0 in $ns"; done
  script=$LAB_DIR/fleet-$n.lvsh
  {
    echo "host director via netns lb"
    echo "vip 10.0.0.10 on eth0"
    echo "service :80 rr"
    for ((i = 1; i <= n; i++)); do echo "host 10.1.$((i / 250)).$((i % 250 + 1)) via netns f$i"; done
    printf 'add rs'
    for ((i = 1; i <= n; i++)); do printf ' 10.1.%s.%s' "$((i / 250))" "$((i % 250 + 1))"; done
    printf ' dr\n'
    echo "arp hide on rs"
    echo "commit force"
  } >"$script"
  state=$(mktemp -d /run/lvsh-fleet-state.XXXXXX)
  rec=$(lab_lvsh "LVSH_STATE_DIR=$state" "LVSH_TEST_DELAY_MS=$DELAY" -- "$script")
  runs+=("$(jobj n "$n" run "$rec")")
  lab_ns_del "${names[@]}"
done
lab_end "$(jobj scenario "$(jstr fleet)" delay_ms "$DELAY" runs "$(jarr "${runs[@]}")" ms "$(ms_since "$LAB_T0")")"
