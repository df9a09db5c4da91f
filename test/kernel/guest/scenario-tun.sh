#!/usr/bin/env bash
# VS-TUN (ipip) through lvsh (issue 4, scenario 4), and by hand what lvsh
# does not do yet.
#
# lb, rs1, rs2 and client on one segment. The real servers filter reverse
# paths strictly, as RHEL ships (net.ipv4.conf.all.rp_filter=1, and 1 on
# tunl0, as an interface created after boot inherits from `default`): the lab
# sets that, it is the real servers' starting point.
#
# lvsh commits `add rs .2 .3 tun; arp hide on rs`: the director encapsulates
# (ipvsadm -i); each real server gets the ARP rules and, being a tun real
# server, the VIP on tunl0, tunl0 up, and reverse-path filtering off on `all`
# and on tunl0 (the decapsulated packet comes in on tunl0 from a client
# routed via eth0, and the effective value is the larger of the two). Probe 0
# fetches with what lvsh set up, and nothing else.
#
# Then, by hand on both real servers, probes 1-3 set all but one of those
# three (tunl0 up, rp_filter=0 on all, on tunl0) and probe 4 all three: 4
# must work, each of 1-3 must fail -- each command lvsh runs is needed.
# `lvsh doctor --json` runs after the commit (clean) and in probes 1-3: it must
# name what is missing on both real servers (tunl0-down, rp-filter-strict).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_begin tun

P=192.0.2
VIP=$P.10
lab_front "$P" || lab_fail "cannot build the topology"
for h in rs1 rs2; do
  ip netns exec "$h" sysctl -q -w net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1 net.ipv4.conf.tunl0.rp_filter=1 ||
    lab_fail "cannot set rp_filter on $h"
done
lab_httpd rs1
lab_httpd rs2
lab_httpd_ready rs1 && lab_httpd_ready rs2 || lab_fail "the HTTP responders do not listen"

script="host director via netns lb
vip $VIP on eth0
host .2 via netns rs1
host .3 via netns rs2
service :80 rr
add rs .2 .3 tun
arp hide on rs
commit comment \"tun\""
commit=$(lab_lvsh_script tun -- "$script")
snap=$(lab_snap lb rs1 rs2)
probe0=$(lab_fetch 2 "http://$VIP/" 1)
doctor_ok=$(lab_doctor committed)

# by_hand LINK ALL TUNL0: on both real servers, tunl0 up/down and the two rp_filter values.
by_hand() {
  local h cmds
  cmds="ip link set tunl0 $1
sysctl -q -w net.ipv4.conf.all.rp_filter=$2
sysctl -q -w net.ipv4.conf.tunl0.rp_filter=$3"
  for h in rs1 rs2; do ip netns exec "$h" bash -ec "$cmds" || log "by hand on $h failed"; done
  jobj commands "$(jstr "$cmds")"
}
probes=()
for spec in "down 0 0" "up 0 1" "up 1 0" "up 0 0"; do
  read -r link all tunl <<<"$spec"
  set=$(by_hand "$link" "$all" "$tunl")
  n=2 timeout=1
  [[ $spec == "up 0 0" ]] && n=8 timeout=2
  fetch=$(lab_fetch "$n" "http://$VIP/" "$timeout")
  doctor=null
  [[ $spec != "up 0 0" ]] && doctor=$(lab_doctor "tunl0-$link-all-$all-tunl0-$tunl")
  probes+=("$(jobj tunl0 "$(jstr "$link")" rp_filter_all "$all" rp_filter_tunl0 "$tunl" set "$set" fetch "$fetch" doctor "$doctor")")
done
arp=$(lab_arp "$VIP")
stats=$(ip netns exec lb ipvsadm -Ln --stats --exact)
fixed=$(lab_snap rs1)

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" vip "$(jstr "$VIP")" rip "$(jobj rs1 "\"$P.2\"" rs2 "\"$P.3\"")" \
  macs "$(lab_macs lb rs1 rs2 client)" script "$(jstr "$script")" commit "$commit" snap "$snap" \
  probe0 "$probe0" doctor "$doctor_ok" probes "$(jarr "${probes[@]}")" arp "$arp" stats_text "$(jstr "$stats")" fixed "$fixed" \
  ms "$(ms_since "$LAB_T0")")"
