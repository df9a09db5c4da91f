#!/usr/bin/env bash
# VS-NAT through lvsh (issue 4, scenario 4).
#
# Two segments: the client and the director's eth0 (192.0.2.0/24, the VIP
# 192.0.2.10) in front; the director's eth1 and the real servers
# (198.51.100.0/24) behind it, each real server's default route via the
# director (198.51.100.1) -- that is topology, the lab sets it. The real
# servers answer on port 8080, the service is port 80 (NAT maps ports).
# lvsh commits the service and turns on the director's forwarding
# (net.ipv4.ip_forward, 0 in a new namespace) -- nothing on the real servers.
#
# Then the same checks as VS-DR, and two more steps:
#   - forwarding turned off by hand (drift): the fetches must fail (the
#     forwarding lvsh set is what makes NAT work, and the checks see it);
#   - `lvsh -c commit` puts it back (commit over the drift): fetches work again.
# `lvsh doctor --json` runs on the committed set-up (clean) and with forwarding
# off (ip-forward-off on the director).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_begin nat

VIP=192.0.2.10 BACK=198.51.100
lab_ns sw lb rs1 rs2 client || lab_fail "cannot create the namespaces"
lab_segment br0 "lb:eth0:192.0.2.1/24" "client:eth0:192.0.2.50/24" || lab_fail "cannot build the front segment"
lab_segment br1 "lb:eth1:$BACK.1/24" "rs1:eth0:$BACK.2/24" "rs2:eth0:$BACK.3/24" || lab_fail "cannot build the back segment"
for h in rs1 rs2; do ip -n "$h" route add default via "$BACK.1" || lab_fail "cannot route $h through the director"; done
lab_httpd rs1 8080
lab_httpd rs2 8080
lab_httpd_ready rs1 8080 && lab_httpd_ready rs2 8080 || lab_fail "the HTTP responders do not listen"

script="host director via netns lb
vip $VIP on eth0
service :80 rr
add rs $BACK.2:8080 $BACK.3:8080 nat
commit comment \"nat\""
before=$(lab_snap lb)
commit=$(lab_lvsh_script nat -- "$script")
fetch=$(lab_fetch 8 "http://$VIP/" 2)
arp=$(lab_arp "$VIP")
stats=$(lab_stats "$VIP:80" 8)
snap=$(lab_snap lb rs1 rs2)
doctor_ok=$(lab_doctor committed)

ip netns exec lb sysctl -q -w net.ipv4.ip_forward=0
off_fetch=$(lab_fetch 2 "http://$VIP/" 1)
doctor_off=$(lab_doctor forwarding-off)
repair=$(lab_lvsh -- -c "commit comment \"forwarding back\"")
forward_after=$(ip netns exec lb sysctl -n net.ipv4.ip_forward)
repaired_fetch=$(lab_fetch 2 "http://$VIP/" 2)

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" vip "$(jstr "$VIP")" rip "$(jobj rs1 "\"$BACK.2\"" rs2 "\"$BACK.3\"")" \
  rport 8080 fetches 8 macs "$(lab_macs lb rs1 rs2 client)" script "$(jstr "$script")" \
  before "$before" commit "$commit" fetch "$fetch" arp "$arp" stats "$stats" snap "$snap" \
  doctor "$(jobj committed "$doctor_ok" forwarding-off "$doctor_off")" \
  forwarding_off "$(jobj fetch "$off_fetch" repair "$repair" ip_forward_after "$(jstr "$forward_after")" fetch_after "$repaired_fetch")" \
  ms "$(ms_since "$LAB_T0")")"
