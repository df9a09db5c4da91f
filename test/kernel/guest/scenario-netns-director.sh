#!/usr/bin/env bash
# `host director via netns lb` on the first commit of a state directory, with
# lvsh started in the guest's own namespace (the other scenarios start it in
# lb: see lab_lvsh in lib.sh).
#
# lvsh opens a session by reading the director before any statement of the
# script has run, so with the director's default transport (local); the
# executor it makes then is kept for the whole run. Expected: every director
# step runs in netns lb. What happens today: they run on the machine lvsh runs
# on. To make that visible (and not merely a failed step), the guest's own
# namespace gets an `eth0` (a dummy) for the duration: the commit then
# succeeds, in the wrong place. The guest is a throwaway VM; this is never the
# host's network.
#
# lb also holds a service built by hand before lvsh (192.0.2.99:25): the
# script does not start with `clear`, so it changes only what it names, and
# that service must stay (the running state, and what the session starts
# from, come from the transport the script names, not from where lvsh runs).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_begin netns-director

P=192.0.2
VIP=$P.10
script="host director via netns lb
vip $VIP on eth0
host .2 via netns rs1
host .3 via netns rs2
service :80 rr
add rs .2 .3 dr
arp hide on rs
commit"

undo_root() {
  ipvsadm -C 2>/dev/null
  ip link del eth0 2>/dev/null
}
lab_front "$P" || lab_fail "cannot build the topology"
# the web servers the commit checks for before it adds rs1 and rs2
lab_httpd rs1
lab_httpd rs2
lab_httpd_ready rs1 && lab_httpd_ready rs2 || lab_fail "the HTTP responders do not listen"
ip link show eth0 >/dev/null 2>&1 && lab_fail "the guest's own namespace has an eth0 already"
ip link add eth0 type dummy && ip link set eth0 up || lab_fail "cannot add a dummy eth0 to the guest's namespace"
root_before=$(ipvsadm -Sn)
ip netns exec lb ipvsadm -A -t 192.0.2.99:25 -s wlc || lab_fail "cannot build the hand-made service"
commit=$(LAB_LVSH_NS="" lab_lvsh_script first -- "$script")
snap=$(lab_snap lb rs1 rs2)
root_ipvs=$(ipvsadm -Sn)
root_addr=$(ip -br addr show eth0)
undo_root

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" vip "$(jstr "$VIP")" script "$(jstr "$script")" commit "$commit" \
  snap "$snap" root "$(jobj ipvsadm_before "$(jstr "$root_before")" ipvsadm "$(jstr "$root_ipvs")" addr "$(jstr "$root_addr")")" \
  ms "$(ms_since "$LAB_T0")")"
