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
#   sysctl-eth0       negative control: `arp hide on rs via sysctl dev eth0`. lvsh's
#                     readiness check refuses it, so it is committed with `commit
#                     force`, but arp_ignore=1 does not hide an address bound on
#                     the interface the request comes in on: every real server answers
#                     ARP for the VIP, and the checks must say so.
#
# Then `lvsh doctor --json` on the committed set-up (each variant; sysctl-eth0:
# the negative control, which doctor must name), and faults made by hand, one
# at a time, each undone before the next (doctor-NAME.json in the scenario's
# directory; the result's `doctor`):
#   arptables-nft     a real server without the VIP; a web server stopped
#                     (and, with it stopped, lvsh's readiness check: the real
#                     server deleted, then added back by a commit that must
#                     stop at its check and undo, then by `commit force`; the
#                     result's `ready`)
#   arptables-legacy  a real server without the OUTPUT mangle rule (smoke.sh's
#                     no-mangle control, on a set-up lvsh committed)
#   sysctl            the director without its VIP; a second host (namespace
#                     rogue on the segment) holding the VIP and answering ARP for it
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ready=""

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
    dev="" force=""
    # The negative control's real servers answer ARP for the VIP by design,
    # so lvsh's readiness check refuses to add them (rightly): it is
    # committed with `commit force` (a warning per real server), since what it
    # tests is that the lab's ARP check and doctor catch such a set-up.
    [[ $variant == sysctl-eth0 ]] && dev=" dev eth0" force=" force"
    script="$hosts
vip $VIP/24 on eth0
service :80 rr
add rs .2 .3 dr
arp hide on rs via sysctl$dev
commit$force"
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

# doctor (before arptables is switched back: it reads the rules with this build)
doctor=("committed" "$(lab_doctor committed)")
# fault NAME: doctor with the fault just made, as doctor-NAME.json and in the result
fault() { doctor+=("$1" "$(lab_doctor "$1")"); }
case $variant in
  arptables-nft)
    ip -n rs1 addr del "$VIP/32" dev eth0 || lab_fail "cannot take the VIP off rs1"
    fault rs-vip-missing
    ip -n rs1 addr add "$VIP/32" dev eth0 || lab_fail "cannot put the VIP back on rs1"
    lab_httpd_stop rs2 || lab_fail "cannot stop rs2's web server"
    fault httpd-stopped
    # lvsh's readiness check, with rs2's web server still stopped: rs2 taken
    # out (`del rs`: off the table, its VIP and ARP rules gone), then added
    # back. The commit must stop at "check real server $P.3 ready" and undo
    # what it did on rs2; `commit ... force` then adds it anyway, with a warning.
    use="use vip $VIP; use service :80"
    ready_out=$(lab_lvsh -- -c "$use; del rs .3; commit comment \"rs2 out\"")
    ready_before=$(lab_snap lb rs1 rs2)
    ready_plan=$(lab_lvsh -- --dry-run --json -c "$use; add rs .3; commit")
    ready_fail=$(lab_lvsh -- -c "$use; add rs .3; commit comment \"rs2 back\"")
    ready_after=$(lab_snap lb rs1 rs2)
    ready_force=$(lab_lvsh -- -c "$use; add rs .3; commit comment \"rs2 back anyway\" force")
    ready_forced=$(lab_snap lb rs1 rs2)
    ready=$(jobj out "$ready_out" plan "$ready_plan" before "$ready_before" fail "$ready_fail" after "$ready_after" \
      force "$ready_force" forced "$ready_forced")
    lab_httpd rs2
    lab_httpd_ready rs2 || lab_fail "rs2's web server does not listen again"
    ;;
  arptables-legacy)
    mangle=(OUTPUT -s "$VIP" -j mangle --mangle-ip-s "$P.3")
    ip netns exec rs2 arptables -D "${mangle[@]}" || lab_fail "cannot delete rs2's mangle rule"
    fault mangle-missing
    ip netns exec rs2 arptables -A "${mangle[@]}" || lab_fail "cannot put rs2's mangle rule back"
    ;;
  sysctl)
    ip -n lb addr del "$VIP/24" dev eth0 || lab_fail "cannot take the VIP off the director"
    fault director-vip-missing
    ip -n lb addr add "$VIP/24" dev eth0 || lab_fail "cannot put the VIP back on the director"
    lab_ns rogue && lab_attach br0 "rogue:eth0:$VIP/24" || lab_fail "cannot add a second host with the VIP"
    fault second-arp-answer
    lab_ns_del rogue || lab_fail "cannot remove the second host"
    ;;
esac
lab_arptables nft

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" variant "$(jstr "$variant")" arptables "$(jstr "$build")" \
  vip "$(jstr "$VIP")" rip "$(jobj rs1 "\"$P.2\"" rs2 "\"$P.3\"")" fetches "$FETCHES" \
  macs "$(lab_macs lb rs1 rs2 client)" script "$(jstr "$script")" \
  commit "$commit" fetch "$fetch" arp "$arp" stats "$stats" snap "$snap" \
  rogue_mac "$(jstr "$(lab_mac rogue)")" doctor "$(jobj "${doctor[@]}")" ready "${ready:-null}" \
  ms "$(ms_since "$LAB_T0")")"
