#!/usr/bin/env bash
# Lab smoke test, run inside the lab VM as root (test/kernel/lab.sh run):
# proves the harness and VS-DR traffic on a real IPVS kernel, with ipvsadm,
# both arptables builds and ip, without lvsh.
#
#   smoke.sh [VARIANT [OUT.json]]
#
# Namespaces lb, rs1, rs2 and client, each with an `eth0` on a bridge in the
# namespace sw (one L2 segment). lb: the VIP on eth0 and a DR service with
# rr over rs1 and rs2 (ipvsadm -R). rs1 hides the VIP with arptables-legacy,
# rs2 with arptables-nft (INPUT DROP for the VIP, OUTPUT mangle of the VIP
# to the real server's address), then binds it on eth0; each runs busybox
# httpd answering its own name. The client fetches the VIP N times (curl,
# a timeout per fetch). Then the director's counters are polled (the IPVS
# estimator copies them every ~2 s) and everything is written as JSON.
#
# VARIANT: ok (default), or no-mangle: the negative control, rs2 without the
# OUTPUT mangle rule. rs2 then asks for the client's MAC with the VIP as the
# sender address, the client's ARP entry for the VIP turns to rs2's MAC and
# the later fetches go to rs2 directly: the checks must catch it.
# (The client's ARP reply to rs2 then has the VIP as its target address and
# rs2's INPUT DROP rule drops it: every connection to rs2 hangs.)
# OUT defaults to $LVSH_LAB_RESULTS/smoke-VARIANT.json. Env: SMOKE_FETCHES
# (8; 4 for no-mangle), SMOKE_FETCH_TIMEOUT (seconds a fetch, 2; 1 for no-mangle).
set -uo pipefail

variant=${1:-ok}
out=${2:-${LVSH_LAB_RESULTS:-/tmp}/smoke-$variant.json}
case $variant in
  ok) fetches=${SMOKE_FETCHES:-8} timeout=2 ;;
  # Every fetch of the broken set-up hangs: fewer and shorter, to keep the run short.
  no-mangle) fetches=${SMOKE_FETCHES:-4} timeout=1 ;;
  *) echo "smoke: unknown variant $variant" >&2; exit 2 ;;
esac
fetch_timeout=${SMOKE_FETCH_TIMEOUT:-$timeout}

VIP=192.0.2.10 LB=192.0.2.1 RS1=192.0.2.2 RS2=192.0.2.3 CLIENT=192.0.2.50
NAMESPACES=(sw lb rs1 rs2 client)

forks() { local k v; while read -r k v _; do [[ $k == processes ]] && { echo "$v"; return; }; done </proc/stat; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
# jstr (TEXT as a JSON string) comes from the scenarios' library; smoke uses nothing else of it.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
die() {
  echo "smoke: $*" >&2
  printf '{"variant": %s, "error": %s}\n' "$(jstr "$variant")" "$(jstr "$*")" >"$out"
  exit 1
}
for t in ip ipvsadm arptables-legacy arptables-nft busybox curl; do
  command -v "$t" >/dev/null || die "$t is not installed"
done

HTTPD_PIDS=()
DOCROOT=""
cleanup() {
  ((${#HTTPD_PIDS[@]})) && kill "${HTTPD_PIDS[@]}" 2>/dev/null
  wait 2>/dev/null
  printf 'netns del %s\n' "${NAMESPACES[@]}" | ip -b - 2>/dev/null
  [[ -n $DOCROOT ]] && rm -rf "$DOCROOT"
}
trap cleanup EXIT

t_start=$EPOCHREALTIME
f_start=$(forks)

# Per-exec cost in this guest: 10 runs of /bin/true.
t0=$EPOCHREALTIME
for _ in 1 2 3 4 5 6 7 8 9 10; do /bin/true; done
true_ms=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", (b - a) * 100 }')

# --- topology: one ip -batch per namespace ---
t_setup=$EPOCHREALTIME
printf 'netns add %s\n' "${NAMESPACES[@]}" | ip -b - || die "cannot create the namespaces"
{
  echo "link add br0 type bridge"
  echo "link set br0 up"
  for h in lb rs1 rs2 client; do
    echo "link add v-$h type veth peer name eth0 netns $h"
    echo "link set v-$h master br0 up"
  done
} | ip -n sw -b - || die "cannot build the bridge"
declare -A ADDR=([lb]=$LB [rs1]=$RS1 [rs2]=$RS2 [client]=$CLIENT)
for h in lb rs1 rs2 client; do
  printf '%s\n' "link set lo up" "link set eth0 up" "addr add ${ADDR[$h]}/24 dev eth0" | ip -n "$h" -b - ||
    die "cannot configure $h"
done

# --- real servers: hide the VIP from ARP, then bind it ---
ip netns exec rs1 bash -se <<EOF || die "cannot configure rs1 (arptables-legacy)"
arptables-legacy -A INPUT -d $VIP -j DROP
arptables-legacy -A OUTPUT -s $VIP -j mangle --mangle-ip-s $RS1
ip addr add $VIP/32 dev eth0
EOF
rs2_mangle="arptables-nft -A OUTPUT -s $VIP -j mangle --mangle-ip-s $RS2"
[[ $variant == no-mangle ]] && rs2_mangle="# no OUTPUT mangle rule: the negative control"
ip netns exec rs2 bash -se <<EOF || die "cannot configure rs2 (arptables-nft)"
arptables-nft -A INPUT -d $VIP -j DROP
$rs2_mangle
ip addr add $VIP/32 dev eth0
EOF

DOCROOT=$(mktemp -d /tmp/lvsh-lab-smoke.XXXXXX)
for h in rs1 rs2; do
  mkdir -p "$DOCROOT/$h"
  echo "$h" >"$DOCROOT/$h/index.html"
  ip netns exec "$h" busybox httpd -f -p 80 -h "$DOCROOT/$h" &
  HTTPD_PIDS+=($!)
done
# Ready when port 80 accepts on the real server's own loopback: no traffic
# between the client and the real servers before the test.
for h in rs1 rs2; do
  ip netns exec "$h" bash -c 'for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/80) 2>/dev/null && exit 0; sleep 0.05; done; exit 1' ||
    die "httpd on $h does not listen"
done

# --- director: the service and its real servers, then the VIP ---
ip netns exec lb ipvsadm -R <<EOF || die "ipvsadm -R failed in lb"
-A -t $VIP:80 -s rr
-a -t $VIP:80 -r $RS1:80 -g -w 1
-a -t $VIP:80 -r $RS2:80 -g -w 1
EOF
ip -n lb addr add "$VIP/32" dev eth0 || die "cannot bind the VIP in lb"
setup_ms=$(ms "$t_setup" "$EPOCHREALTIME")

# --- the client fetches the VIP: one curl, one connection per fetch ---
t_fetch=$EPOCHREALTIME
urls=()
for ((i = 0; i < fetches; i++)); do urls+=("http://$VIP/"); done
fetch_out=$(ip netns exec client curl -s --max-time "$fetch_timeout" -H 'Connection: close' \
  -w '\n@@ %{exitcode} %{http_code} %{errormsg}\n' "${urls[@]}")
fetch_ms=$(ms "$t_fetch" "$EPOCHREALTIME")
answers=() codes=() errors=() body=""
while IFS= read -r line; do
  if [[ $line =~ ^@@\ ([0-9]+)\ ([0-9]+)\ ?(.*)$ ]]; then
    answers+=("$body")
    codes+=("${BASH_REMATCH[1]}")
    errors+=("$(jstr "${BASH_REMATCH[3]}")")
    body=""
  elif [[ -n $line ]]; then
    body+=$line
  fi
done <<<"$fetch_out"

# --- what the client learned for the VIP, and everyone's MAC ---
neigh=$(ip -n client -j neigh show "$VIP" dev eth0)
declare -A MAC
for h in lb rs1 rs2 client; do
  read -r _ _ MAC[$h] _ < <(ip -n "$h" -br link show eth0)
done

# --- the director's counters: poll until they count every fetch (or 6 s: three
# estimator ticks) ---
t_poll=$EPOCHREALTIME
samples=() conns=0 stats=""
while :; do
  stats=$(ip netns exec lb ipvsadm -Ln --stats --exact)
  conns=$(awk -v s="$VIP:80" '$1 == "TCP" && $2 == s { print $3 }' <<<"$stats")
  samples+=("{\"ms\": $(ms "$t_poll" "$EPOCHREALTIME"), \"conns\": ${conns:-0}}")
  ((${conns:-0} >= fetches)) && break
  (($(ms "$t_poll" "$EPOCHREALTIME") > 6000)) && break
  sleep 0.5
done
poll_ms=$(ms "$t_poll" "$EPOCHREALTIME")
save=$(ip netns exec lb ipvsadm -Sn)
arp_rs1=$(ip netns exec rs1 arptables-legacy -L -n)
arp_rs2=$(ip netns exec rs2 arptables-nft -L -n)
total_ms=$(ms "$t_start" "$EPOCHREALTIME")
f_end=$(forks)
read -r kver </proc/sys/kernel/osrelease

# --- the result ---
{
  printf '{\n'
  printf '  "variant": %s,\n' "$(jstr "$variant")"
  printf '  "uname_r": %s,\n' "$(jstr "$kver")"
  printf '  "vip": "%s",\n  "fetches": %d,\n' "$VIP" "$fetches"
  printf '  "answers": ['
  for i in "${!answers[@]}"; do printf '%s%s' "$([[ $i == 0 ]] || echo ', ')" "$(jstr "${answers[$i]}")"; done
  printf '],\n  "curl_exit": [%s],\n' "$(IFS=,; echo "${codes[*]}")"
  printf '  "curl_errors": [%s],\n' "$(IFS=,; echo "${errors[*]}")"
  printf '  "mac": {"lb": %s, "rs1": %s, "rs2": %s, "client": %s},\n' \
    "$(jstr "${MAC[lb]}")" "$(jstr "${MAC[rs1]}")" "$(jstr "${MAC[rs2]}")" "$(jstr "${MAC[client]}")"
  printf '  "client_neigh_vip": %s,\n' "${neigh:-[]}"
  printf '  "stats_samples": [%s],\n' "$(IFS=,; echo "${samples[*]}")"
  printf '  "ipvsadm_save": %s,\n' "$(jstr "$save")"
  printf '  "ipvsadm_stats": %s,\n' "$(jstr "$stats")"
  printf '  "arptables_rs1_legacy": %s,\n' "$(jstr "$arp_rs1")"
  printf '  "arptables_rs2_nft": %s,\n' "$(jstr "$arp_rs2")"
  printf '  "curl_output": %s,\n' "$(jstr "$fetch_out")"
  printf '  "timing_ms": {"setup": %d, "fetch": %d, "poll": %d, "total": %d},\n' \
    "$setup_ms" "$fetch_ms" "$poll_ms" "$total_ms"
  printf '  "forks": %d,\n  "true_ms": %s\n' "$((f_end - f_start))" "$true_ms"
  printf '}\n'
} >"$out"
echo "smoke $variant: answers ${answers[*]:-}; curl exit ${codes[*]:-}; conns $conns; client VIP entry ${neigh:-none}; MAC lb ${MAC[lb]} rs1 ${MAC[rs1]} rs2 ${MAC[rs2]}; ${total_ms} ms, $((f_end - f_start)) forks"
