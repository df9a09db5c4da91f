#!/usr/bin/env bash
# Capture (issue 4, scenario 7): lvsh commits test/fixtures/lab/capture.lvsh
# (every option of the language), then the state tools' real outputs are
# written to $LAB_DIR/capture/ -- the golden fixtures of test/fixtures/lab/
# (capture.test.ts compares them, and copies them there with UPDATE_GOLDEN=1).
#
# The real servers listen on every port of their services first (lvsh's
# readiness check). Pass 1, arptables-nft (Debian's default): commit, some traffic on :80 so
# that --stats and --rate have numbers, then ipvsadm -Sn, -Ln, -Ln
# --thresholds, --stats, --rate, `ip -j addr`, `ip -j link` and the sysctls
# lvsh reads on every host, and arptables-nft-save on the real servers. Then `clear`,
# committed (lvsh removes everything). Pass 2, arptables-legacy (the
# alternative switched): the same script committed again, and
# arptables-legacy-save, which reads /usr/sbin/arptables.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_begin capture

VIP=192.0.2.10
SCRIPT=$LAB_ROOT/test/fixtures/lab/capture.lvsh
C=$LAB_DIR/capture
mkdir -p "$C"
lab_ns sw lb rs1 rs2 rs3 client || lab_fail "cannot create the namespaces"
lab_segment br0 "lb:eth0:192.0.2.1/24" "rs1:eth0:192.0.2.2/24" "rs2:eth0:192.0.2.3/24" \
  "rs3:eth0:203.0.113.41/24" "client:eth0:192.0.2.50/24" || lab_fail "cannot build the topology"
lab_httpd rs1
lab_httpd rs2
lab_httpd_ready rs1 && lab_httpd_ready rs2 || lab_fail "the HTTP responders do not listen"
# The other ports capture.lvsh's real servers serve, listening before the
# commit (lvsh checks each real server it reaches listens on the service's
# port before it adds it; sctp and fwmark services are not checked, nor the
# real servers at weight 0 or those lvsh does not reach: the NAT and IPv6
# ones exist only in the director's table). Only :80 gets traffic.
lab_listen rs1 tcp:443 tcp:8000 tcp:8001 udp:5060 udp:9999 tcp:8443 tcp:8080 tcp:8081 tcp:8082
lab_listen rs2 tcp:8000 tcp:8001 udp:5060 udp:9999 tcp:8443 tcp:8080 tcp:8081 tcp:8083
lab_listen rs3 tcp:8443 tcp:8080 tcp:8084
script="$(<"$SCRIPT")
commit comment capture"
clear_script="clear
host director via netns lb
host 192.0.2.2 via netns rs1
host 192.0.2.3 via netns rs2
host 203.0.113.41 via netns rs3
commit comment cleared"
# Every sysctl lvsh reads or sets anywhere (the reader asks for a subset per host).
SYSCTLS=(net.ipv4.ip_forward net.ipv6.conf.all.forwarding)
for d in all lo eth0 tunl0; do SYSCTLS+=("net.ipv4.conf.$d.arp_ignore" "net.ipv4.conf.$d.arp_announce" "net.ipv4.conf.$d.rp_filter"); done

lab_arptables nft
commit1=$(lab_lvsh_script capture -- "$script")
fetch=$(lab_fetch 6 "http://$VIP/" 2)
stats=$(lab_stats "$VIP:80" 6)
# IPv6 addresses just added (the VIP 2001:db8::10) stay "tentative" for
# duplicate address detection (~1 s): capture them settled, as the golden files are.
for ((i = 0; i < 50; i++)); do
  tentative=""
  for ns in lb rs1 rs2 rs3; do tentative+=$(ip -n "$ns" -6 addr show tentative); done
  [[ -z $tentative ]] && break
  sleep 0.1
done
ip netns exec lb bash -c '
  c=$1
  ipvsadm -Sn >"$c/ipvsadm-Sn.txt"
  ipvsadm -Ln >"$c/ipvsadm-Ln.txt"
  ipvsadm -Ln --thresholds >"$c/ipvsadm-Ln-thresholds.txt"
  ipvsadm -Ln --stats >"$c/ipvsadm-Ln-stats.txt"
  ipvsadm -Ln --rate >"$c/ipvsadm-Ln-rate.txt"
  ip -j addr show >"$c/lb-ip-j-addr.json"
  ip -j link show >"$c/lb-ip-j-link.json"
  shift; sysctl -e "$@" >"$c/lb-sysctl.txt"
' _ "$C" "${SYSCTLS[@]}"
for h in rs1 rs2 rs3; do
  ip netns exec "$h" bash -c '
    c=$1 h=$2
    ip -j addr show >"$c/$h-ip-j-addr.json"
    ip -j link show >"$c/$h-ip-j-link.json"
    arptables-nft-save >"$c/$h-arptables-nft-save.txt"
    shift 2; sysctl -e "$@" >"$c/$h-sysctl.txt"
  ' _ "$C" "$h" "${SYSCTLS[@]}"
done
clear=$(lab_lvsh_script clear -- "$clear_script")
after_clear=$(lab_snap lb rs1 rs2 rs3)

lab_arptables legacy
commit2=$(lab_lvsh_script capture-legacy -- "$script")
ipvs2=$(ip netns exec lb ipvsadm -Sn)
for h in rs1 rs2 rs3; do
  ip netns exec "$h" arptables-legacy-save >"$C/$h-arptables-legacy-save.txt"
done
lab_arptables nft
{
  uname -r
  ipvsadm -v
  arptables-legacy -V 2>&1
  arptables-nft -V 2>&1
  ip -V
} >"$C/versions.txt" 2>&1
files=()
for f in "$C"/*; do files+=("${f##*/}"); done

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" script "$(jstr "$script")" \
  commit "$commit1" fetch "$fetch" stats "$stats" clear "$clear" after_clear "$after_clear" \
  commit_legacy "$commit2" ipvsadm_legacy_pass "$(jstr "$ipvs2")" files "$(jstrs "${files[@]}")" \
  ms "$(ms_since "$LAB_T0")")"
