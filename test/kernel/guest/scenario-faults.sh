#!/usr/bin/env bash
# Faults on the real kernel (issue 4, scenario 6). After every failed commit,
# every host must hold what it held before it, byte for byte: `ipvsadm -Sn`,
# arptables-save, `ip -j addr`, the ARP/forwarding sysctls (lab_snap).
#
#   scenario-faults.sh ci|full
#
#   inject-seed   from nothing, the seed's plan (12 steps: on each real
#                 server its ARP rules, its VIP and the check that it is ready
#                 -- VIP bound, ARP hidden, port 80 listening -- then the
#                 director's) with step K failed by lvsh's test hook
#                 (LVSH_TEST_INJECT=fail:K), then the plan committed. full:
#                 every K until the commit succeeds (K = steps + 1: no step
#                 K). ci: the first step, the last real-server step that
#                 changes something, the last readiness check, a director
#                 step inside the ipvsadm batch (the steps before it in the
#                 batch have run) and the last step -- every phase, both
#                 executors (the director's steps run `via local`: lvsh runs
#                 in lb; the real servers' `via netns`).
#   rs-eth9       from the seed: `arp hide on rs dev eth9`; the real server
#                 has no eth9: refused before the first step (the interfaces
#                 read), with the one meant.
#   rs-lo         from the seed: `arp hide on rs dev lo`, with rs1's lo made
#                 unable to take an IPv4 address (an MTU below 68 drops its
#                 IPv4 state; `ip addr add` then fails with ENOBUFS), which no
#                 read of lvsh foresees: its `ip addr add` fails after the VIP
#                 left eth0.
#   director-lo   from the seed: a whole new configuration (wrr, weights, a
#                 persistent service, ARP hidden by sysctl) whose very last
#                 step, the director's VIP on lo (made unable as above), fails;
#                 the director is reached `via local` here (lvsh runs in its
#                 namespace, lb).
#   inject-mixed  from the seed, that configuration with `on eth0` (so it can
#                 succeed): step K failed, then committed. Its plan deletes,
#                 replaces and updates (sysctls, with the values read before
#                 as undo), not only adds. Left out by default (director-lo
#                 already undoes that whole plan, and every K is ~22 lvsh runs):
#                 LAB_FAULTS_MIXED=sample: K = 1, N/4, N/2, 3N/4 and N of its N
#                 steps; LAB_FAULTS_MIXED=all: every K.
#
# Each case records lvsh's plan first (--dry-run --json), so that the checks
# can say which step K was.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
mode=${1:-ci}
[[ $mode == ci || $mode == full ]] || { echo "usage: scenario-faults.sh ci|full" >&2; exit 2; }
lab_begin faults

P=192.0.2
VIP=$P.10
hosts="host director via netns lb
vip $VIP on eth0
host .2 via netns rs1
host .3 via netns rs2"
SEED="$hosts
service :80 rr
add rs .2 .3 dr
arp hide on rs
commit comment seed"
# mixed DEV [TRANSPORT]: the configuration the director-lo and inject-mixed
# cases commit, the director reached via TRANSPORT (netns lb).
mixed() {
  printf '%s\n' "clear
host director via ${2:-netns lb}
vip $VIP on $1
host .2 via netns rs1
host .3 via netns rs2
service :80 wrr
add rs .2 weight 3
add rs .3 weight 1
service :443 wlc persistent 600
add rs .2 .3
arp hide on rs via sysctl
commit comment mixed"
}
HOSTS=(lb rs1 rs2)

lab_front "$P" || lab_fail "cannot build the topology"
lab_httpd rs1
lab_httpd rs2
lab_httpd_ready rs1 && lab_httpd_ready rs2 || lab_fail "the HTTP responders do not listen"
# the mixed configuration's :443, listening before it is committed (lvsh
# checks each real server it adds is ready: director-lo must fail at its last
# step, not at a readiness check)
lab_listen rs1 tcp:443
lab_listen rs2 tcp:443

# plan FILE: lvsh's plan for FILE against the running state, as JSON (the
# dry run of a script that ends with `commit` plans it and applies nothing).
plan() {
  local out
  out=$(ip netns exec lb "$LAB_LVSH" --dry-run --json --target local "$1" 2>/dev/null)
  [[ $out == \{* ]] && printf '%s' "$out" || printf '{"steps": []}'
}
# steps PLAN_JSON: "ID HOST ARGV0" per step of a plan (lvsh's pretty JSON).
steps() {
  awk '/^      "id": / { id = $2; sub(/,/, "", id) }
       /^      "host": / { host = $2; gsub(/[",]/, "", host) }
       /^      "argv": \[/ { getline; a = $1; gsub(/[",]/, "", a); print id, host, a }' <<<"$1"
}
# phases PLAN_JSON: K for the first step, the last real-server step that
# changes something, the last readiness check (`sh -c` on a real server),
# the second step of the director's ipvsadm run (the batch is split there,
# the step before it has run) and the last step.
phases() {
  local id host a first="" rs="" ready="" dir="" last="" nd=0
  while read -r id host a; do
    [[ -z $first ]] && first=$id
    if [[ $host != director ]]; then
      [[ $a == sh ]] && ready=$id || rs=$id
    fi
    if [[ $host == director && $a == ipvsadm ]]; then
      nd=$((nd + 1))
      ((nd == 2)) && dir=$id
    fi
    last=$id
  done < <(steps "$1")
  printf '%s\n' $first $rs $ready $dir $last | sort -n | awk '!seen[$0]++' | tr '\n' ' '
}
# inject NAME SCRIPT all|sample|phases: commits SCRIPT with step K failed and
# snapshots, for K = 1, 2, ... until a commit succeeds (all; 40 at most), for
# a sample of K over its plan's N steps, or for one K per phase; then, if
# none succeeded, commits it with no fault. Prints {name, script, plan, ks,
# before, runs: [{k, commit, snap}]} (k 0: no fault).
inject() {
  local name=$1 script=$2 file=$LAB_DIR/$1.lvsh k before runs=() commit ks plan_json ok=0
  printf '%s\n' "$script" >"$file"
  plan_json=$(plan "$file")
  before=$(lab_snap "${HOSTS[@]}")
  case $3 in
    sample) read -ra ks <<<"$(sample "$(grep -c '"id":' <<<"$plan_json")")" ;;
    phases) read -ra ks <<<"$(phases "$plan_json")" ;;
    *) read -ra ks <<<"$(seq -s ' ' 1 40)" ;;
  esac
  for k in "${ks[@]}"; do
    commit=$(lab_lvsh LVSH_TEST_INJECT="fail:$k" -- "$file")
    runs+=("$(jobj k "$k" commit "$commit" snap "$(lab_snap "${HOSTS[@]}")")")
    [[ $commit == *'"exit": 0,'* ]] && { ok=1; break; }
  done
  if ((!ok)); then
    commit=$(lab_lvsh -- "$file")
    runs+=("$(jobj k 0 commit "$commit" snap "$(lab_snap "${HOSTS[@]}")")")
  fi
  jobj name "$(jstr "$name")" script "$(jstr "$script")" plan "$plan_json" ks "[$(IFS=,; echo "${ks[*]}")]" \
    before "$before" runs "$(jarr "${runs[@]}")"
}
# sample N: 1, N/4, N/2, 3N/4, N (rounded up, without repeats).
sample() {
  local n=$1 q out=() seen=" "
  for q in 1 $(((n + 3) / 4)) $(((n + 1) / 2)) $(((3 * n + 3) / 4)) "$n"; do
    ((q >= 1)) && [[ $seen != *" $q "* ]] && { out+=("$q"); seen+="$q "; }
  done
  echo "${out[@]}"
}
# fault NAME SCRIPT: one commit that must fail, with snapshots around it.
fault() {
  local before commit
  before=$(lab_snap "${HOSTS[@]}")
  commit=$(lab_lvsh_script "$1" -- "$2")
  jobj name "$(jstr "$1")" script "$(jstr "$2")" before "$before" commit "$commit" after "$(lab_snap "${HOSTS[@]}")"
}

if [[ $mode == full ]]; then
  seed=$(inject inject-seed "$SEED" all)
else
  seed=$(inject inject-seed "$SEED" phases)
fi
# no_ipv4 NS on|off: NS's lo takes no IPv4 address (MTU 60), or takes them
# again (MTU back, and down/up, which gives it 127.0.0.1 back).
no_ipv4() {
  if [[ $2 == on ]]; then
    ip -n "$1" link set lo mtu 60
  else
    ip -n "$1" link set lo mtu 65536 && ip -n "$1" link set lo down && ip -n "$1" link set lo up
  fi
}
rs_eth9=$(fault rs-eth9 "use vip $VIP
arp hide on rs dev eth9
commit")
no_ipv4 rs1 on
rs_lo=$(fault rs-lo "use vip $VIP
arp hide on rs dev lo
commit")
no_ipv4 rs1 off
no_ipv4 lb on
dir_lo=$(fault director-lo "$(mixed lo local)")
no_ipv4 lb off
cases=("$rs_eth9" "$rs_lo" "$dir_lo")
fetch_seed=$(lab_fetch 2 "http://$VIP/" 2)
mixed_run='{"skipped": true}'
mixed_default=0
[[ $mode == full ]] && mixed_default=sample
mixed_mode=${LAB_FAULTS_MIXED:-$mixed_default}
case $mixed_mode in
  all | sample) mixed_run=$(inject inject-mixed "$(mixed eth0)" "$mixed_mode") ;;
esac

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" mode "$(jstr "$mode")" vip "$(jstr "$VIP")" \
  inject_seed "$seed" faults "$(jarr "${cases[@]}")" fetch_after_faults "$fetch_seed" inject_mixed "$mixed_run" \
  ms "$(ms_since "$LAB_T0")")"
