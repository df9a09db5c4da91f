#!/usr/bin/env bash
# Rollback on the real kernel (issue 4, scenario 5): commit A, commit B,
# `rollback; commit`: every host must hold exactly what it held after A --
# `ipvsadm -Sn`, arptables-save, `ip -j addr` and the ARP/forwarding sysctls,
# byte for byte (arptables-nft-save's timestamp comments aside).
#
# A is the seed (rr over .2 and .3, ARP hidden with arptables, VIP on eth0);
# B changes every kind of thing lvsh manages: scheduler and weights, a
# persistent service and a UDP one added, ARP hidden by sysctl instead (the VIP
# moves to lo, the arptables rules go, arp_ignore/arp_announce change).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_begin rollback

P=192.0.2
VIP=$P.10
hosts="host director via netns lb
vip $VIP on eth0
host .2 via netns rs1
host .3 via netns rs2"
A="$hosts
service :80 rr
add rs .2 .3 dr
arp hide on rs
commit comment A"
B="clear
$hosts
service :80 wrr
add rs .2 weight 3
service :443 sh persistent 300
add rs .2 .3
service udp :53 rr
add rs .3
arp hide on rs via sysctl
commit comment B"

lab_front "$P" || lab_fail "cannot build the topology"
lab_httpd rs1
lab_httpd rs2
lab_httpd_ready rs1 && lab_httpd_ready rs2 || lab_fail "the HTTP responders do not listen"
# B's other services, as an operator starts them before committing B (lvsh
# checks each real server it adds listens on the port): :443 on both, udp :53
# on rs2. The fetches go to :80 only.
lab_listen rs1 tcp:443
lab_listen rs2 tcp:443 udp:53

empty=$(lab_snap lb rs1 rs2)
commit_a=$(lab_lvsh_script A -- "$A")
snap_a=$(lab_snap lb rs1 rs2)
fetch_a=$(lab_fetch 4 "http://$VIP/" 2)
commit_b=$(lab_lvsh_script B -- "$B")
snap_b=$(lab_snap lb rs1 rs2)
fetch_b=$(lab_fetch 4 "http://$VIP/" 2)
rollback=$(lab_lvsh -- -c 'rollback; commit comment "rollback to A"')
snap_c=$(lab_snap lb rs1 rs2)
fetch_c=$(lab_fetch 4 "http://$VIP/" 2)

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" vip "$(jstr "$VIP")" empty "$empty" \
  a "$(jobj script "$(jstr "$A")" commit "$commit_a" snap "$snap_a" fetch "$fetch_a")" \
  b "$(jobj script "$(jstr "$B")" commit "$commit_b" snap "$snap_b" fetch "$fetch_b")" \
  rollback "$(jobj commit "$rollback" snap "$snap_c" fetch "$fetch_c")" ms "$(ms_since "$LAB_T0")")"
