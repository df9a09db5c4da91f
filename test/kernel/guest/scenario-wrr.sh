#!/usr/bin/env bash
# wrr weights through lvsh (issue 4, scenario 3), each change committed by
# lvsh, then the IPVS table and the traffic checked:
#
#   1. `service :80 wrr; add rs .2 weight 3; add rs .3 weight 1`: 8 fetches
#      go 6 to rs1, 2 to rs2;
#   2. `set rs .3 weight 0`: rs2 is out for new connections (4 fetches, all
#      rs1; the director's counters for rs2 do not move);
#   3. `del rs .3`: gone from the table, and from rs2 the VIP and its ARP
#      rules (4 fetches, all rs1).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_begin wrr

P=192.0.2
VIP=$P.10
lab_web "$P"

# stage NAME FETCHES EXPECTED_CONNS LVSH-ARGS...: commit, fetch, counters, state;
# and the client's neighbour table before and after the fetches (a fetch once
# reached rs2 without the director: whose MAC the client held for the VIP).
stage() {
  local name=$1 n=$2 conns=$3 commit fetch stats snap before after
  shift 3
  commit=$(lab_lvsh -- "$@")
  before=$(ip -n client neigh show 2>&1)
  fetch=$(lab_fetch "$n" "http://$VIP/" 2)
  after=$(ip -n client neigh show 2>&1)
  stats=$(lab_stats "$VIP:80" "$conns")
  snap=$(lab_snap lb rs1 rs2)
  jobj name "$(jstr "$name")" fetches "$n" commit "$commit" fetch "$fetch" stats "$stats" snap "$snap" \
    neigh_before "$(jstr "$before")" neigh_after "$(jstr "$after")"
}

printf '%s\n' "host director via netns lb
vip $VIP on eth0
host .2 via netns rs1
host .3 via netns rs2
service :80 wrr
add rs .2 weight 3
add rs .3 weight 1
arp hide on rs
commit comment \"wrr 3:1\"" >"$LAB_DIR/wrr.lvsh"
s1=$(stage weights 8 8 "$LAB_DIR/wrr.lvsh")
s2=$(stage weight-0 4 12 -c "use vip $VIP; use service :80; set rs .3 weight 0; commit comment \"rs2 out\"")
s3=$(stage del 4 16 -c "use vip $VIP; use service :80; del rs .3; commit comment \"rs2 removed\"")

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" vip "$(jstr "$VIP")" rip "$(jobj rs1 "\"$P.2\"" rs2 "\"$P.3\"")" \
  macs "$(lab_macs lb rs1 rs2 client)" stages "$(jarr "$s1" "$s2" "$s3")" ms "$(ms_since "$LAB_T0")")"
