#!/usr/bin/env bash
# Faults on the real kernel (issue 4, scenario 6). After every failed commit,
# every host must hold what it held before it, byte for byte: `ipvsadm -Sn`,
# arptables-save, `ip -j addr`, the ARP/forwarding sysctls (lab_snap).
#
#   inject-seed   from nothing, the seed's plan (10 steps) with step K failed
#                 by lvsh's test hook (LVSH_TEST_INJECT=fail:K), for every K
#                 until the commit succeeds (K = steps + 1: no step K).
#   rs-eth9       from the seed: `arp hide on rs dev eth9`; the real server
#                 has no eth9, so its `ip addr add` fails after the VIP left eth0.
#   director-eth9 from the seed: a whole new configuration (wrr, weights, a
#                 persistent service, ARP hidden by sysctl) whose very last
#                 step, the director's VIP on eth9, fails.
#   inject-mixed  from the seed, that configuration with `on eth0` (so it can
#                 succeed): step K failed, then committed. Its plan deletes,
#                 replaces and updates (sysctls, with the values read before
#                 as undo), not only adds. Left out by default (director-eth9
#                 already undoes that whole plan, and every K is ~22 lvsh runs):
#                 LAB_FAULTS_MIXED=sample: K = 1, N/4, N/2, 3N/4 and N of its N
#                 steps; LAB_FAULTS_MIXED=all: every K.
#
# Each case records lvsh's plan first (--dry-run --json), so that the checks
# can say which step K was.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
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
# mixed DEV: the configuration the director-eth9 and inject-mixed cases commit.
mixed() {
  printf '%s\n' "clear
host director via netns lb
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

# plan FILE: lvsh's plan for FILE against the running state, as JSON (the
# dry run of a script that ends with `commit` plans it and applies nothing).
plan() {
  local out
  out=$(ip netns exec lb node "$LAB_LVSH" --dry-run --json --target local "$1" 2>/dev/null)
  [[ $out == \{* ]] && printf '%s' "$out" || printf '{"steps": []}'
}
# inject NAME SCRIPT all|sample: commits SCRIPT with step K failed and
# snapshots, for K = 1, 2, ... until a commit succeeds (all; 40 at most), or
# for a sample of K over its plan's N steps; then, if none succeeded, commits
# it with no fault. Prints {name, script, plan, before, runs: [{k, commit,
# snap}]} (k 0: no fault).
inject() {
  local name=$1 script=$2 file=$LAB_DIR/$1.lvsh k before runs=() commit ks plan_json ok=0
  printf '%s\n' "$script" >"$file"
  plan_json=$(plan "$file")
  before=$(lab_snap "${HOSTS[@]}")
  if [[ $3 == sample ]]; then
    read -ra ks <<<"$(sample "$(grep -c '"id":' <<<"$plan_json")")"
  else
    read -ra ks <<<"$(seq -s ' ' 1 40)"
  fi
  for k in "${ks[@]}"; do
    commit=$(lab_lvsh LVSH_TEST_INJECT="fail:$k" -- "$file")
    runs+=("$(jobj k "$k" commit "$commit" snap "$(lab_snap "${HOSTS[@]}")")")
    [[ $commit == *'"exit": 0,'* ]] && { ok=1; break; }
  done
  if ((!ok)); then
    commit=$(lab_lvsh -- "$file")
    runs+=("$(jobj k 0 commit "$commit" snap "$(lab_snap "${HOSTS[@]}")")")
  fi
  jobj name "$(jstr "$name")" script "$(jstr "$script")" plan "$plan_json" before "$before" runs "$(jarr "${runs[@]}")"
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

seed=$(inject inject-seed "$SEED" all)
rs_eth9=$(fault rs-eth9 "use vip $VIP
arp hide on rs dev eth9
commit")
dir_eth9=$(fault director-eth9 "$(mixed eth9)")
cases=("$rs_eth9" "$dir_eth9")
fetch_seed=$(lab_fetch 2 "http://$VIP/" 2)
mixed_run='{"skipped": true}'
case ${LAB_FAULTS_MIXED:-0} in
  all | sample) mixed_run=$(inject inject-mixed "$(mixed eth0)" "$LAB_FAULTS_MIXED") ;;
esac

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" vip "$(jstr "$VIP")" \
  inject_seed "$seed" faults "$(jarr "${cases[@]}")" fetch_after_faults "$fetch_seed" inject_mixed "$mixed_run" \
  ms "$(ms_since "$LAB_T0")")"
