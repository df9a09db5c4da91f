#!/usr/bin/env bash
# VS-DR built by lvsh on a real IPVS kernel (issue 4, scenarios 1 and 2).
#
#   scenario-dr.sh VARIANT
#
# lb, rs1, rs2 and client on one segment (the seed's 172.25.254.0/24); each
# real server answers HTTP with its name. lvsh commits the seed's
# examples/seed-dr.lvsh (with `host` statements for the namespaces), then the
# client fetches the VIP 8 times, the director's counters are polled, and the
# client's ARP view of the VIP is recorded: its neighbour entry and who
# answers a broadcast ARP request.
#
# VARIANT:
#   arptables-nft     the seed, `arp hide on rs` with arptables-nft (Debian's default build)
#   arptables-legacy  the same with /usr/sbin/arptables switched to arptables-legacy
#   sysctl            `arp hide on rs via sysctl` (VIP on lo, arp_ignore/arp_announce)
#   sysctl-eth0       negative control: `arp hide on rs via sysctl dev eth0`. lvsh
#                     commits it, but arp_ignore=1 does not hide an address bound on
#                     the interface the request comes in on: every real server answers
#                     ARP for the VIP, and the checks must say so.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

variant=${1:?usage: scenario-dr.sh VARIANT}
lab_begin "dr-$variant"

P=172.25.254
VIP=$P.10
FETCHES=8
hosts="host director via netns lb
host $P.2 via netns rs1
host $P.3 via netns rs2"
case $variant in
  arptables-nft | arptables-legacy)
    script="$hosts
$(<"$LAB_ROOT/examples/seed-dr.lvsh")
commit comment \"lab: the seed\""
    ;;
  sysctl | sysctl-eth0)
    dev=""
    [[ $variant == sysctl-eth0 ]] && dev=" dev eth0"
    script="$hosts
vip $VIP/24 on eth0
service :80 rr
add rs .2 .3 dr
arp hide on rs via sysctl$dev
commit"
    ;;
  *) lab_fail "unknown variant $variant" ;;
esac

lab_front "$P" || lab_fail "cannot build the topology"
lab_httpd rs1
lab_httpd rs2
lab_httpd_ready rs1 && lab_httpd_ready rs2 || lab_fail "the HTTP responders do not listen"
build=nft
[[ $variant == arptables-legacy ]] && build=legacy
lab_arptables "$build" || lab_fail "cannot switch arptables to $build"

commit=$(lab_lvsh_script dr -- "$script")
fetch=$(lab_fetch "$FETCHES" "http://$VIP/" 2)
arp=$(lab_arp "$VIP")
max_poll=6000
[[ $variant == sysctl-eth0 ]] && max_poll=2500
stats=$(lab_stats "$VIP:80" "$FETCHES" "$max_poll")
snap=$(lab_snap lb rs1 rs2)
lab_arptables nft

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" variant "$(jstr "$variant")" arptables "$(jstr "$build")" \
  vip "$(jstr "$VIP")" rip "$(jobj rs1 "\"$P.2\"" rs2 "\"$P.3\"")" fetches "$FETCHES" \
  macs "$(lab_macs lb rs1 rs2 client)" script "$(jstr "$script")" \
  commit "$commit" fetch "$fetch" arp "$arp" stats "$stats" snap "$snap" \
  ms "$(ms_since "$LAB_T0")")"
