# shellcheck shell=bash
# Helpers for the lab's lvsh scenarios (sourced by guest/scenario-*.sh, run
# inside the lab VM as root): topology in network namespaces, HTTP responders,
# fetches, ARP probes, IPVS counters, snapshots of a host's state, running lvsh,
# and a small JSON writer (the host's vitest tests read the JSON).
#
# Conventions: every namespace a scenario creates is listed in LAB_NS and
# deleted by lab_cleanup (also on exit); background processes go to LAB_PIDS.
# MAC addresses are fixed (02:00:00:00:HH:II), so that `ip -j addr` captures
# are the same on every run.

LAB_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# the project (suite.sh runs the scenarios from a copy of this directory and says where it is)
LAB_ROOT=${LAB_ROOT:-$(cd "$LAB_LIB_DIR/../../.." && pwd)}
LAB_RESULTS=${LVSH_LAB_RESULTS:-/tmp/lvsh-lab-results}
# The bundle as the suite copied it at its start (a rebuild on the host during
# the run does not change it under the scenarios); else the tree's.
LAB_LVSH=${LAB_LVSH:-$LAB_ROOT/dist/lvsh}
# Seconds before one lvsh run is killed.
LAB_LVSH_TIMEOUT=${LAB_LVSH_TIMEOUT:-180}
export LC_ALL=C

LAB_NS=()
LAB_PIDS=()
# the responders' PIDs by HOST:PORT (lab_httpd)
declare -A LAB_HTTPD=()
LAB_TMP=()

# ---------------------------------------------------------------- JSON

# jstr TEXT: TEXT as a JSON string (control characters other than \n \r \t
# do not occur in what the scenarios record).
jstr() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}
# jfile PATH: the file's content as a JSON string ("" when it is missing).
jfile() {
  local s=""
  [[ -f $1 ]] && s=$(<"$1")
  jstr "$s"
}
# jobj KEY VALUE ...: an object; each VALUE is JSON already.
jobj() {
  local out="{" sep=""
  while (($# >= 2)); do
    out+="$sep$(jstr "$1"): $2"
    sep=", "
    shift 2
  done
  printf '%s}' "$out"
}
# jarr VALUE ...: an array of JSON values.
jarr() {
  local IFS=,
  printf '[%s]' "$*"
}
# jstrs TEXT ...: an array of strings.
jstrs() {
  local out=() s
  for s in "$@"; do out+=("$(jstr "$s")"); done
  jarr "${out[@]}"
}
# jnum N: N, or null when N is empty.
jnum() { [[ -n ${1:-} ]] && printf '%s' "$1" || printf null; }

# ---------------------------------------------------------------- time

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
# ms_since T0: milliseconds from T0 (an EPOCHREALTIME) to now.
ms_since() {
  local a=${1/./} b=${EPOCHREALTIME/./}
  a=${a/,/} b=${b/,/}
  printf '%d' $(((b - a) / 1000))
}

log() { printf '%s: %s\n' "${LAB_SCENARIO:-lab}" "$*" >&2; }

# ---------------------------------------------------------------- topology

# MAC of HOST's interface N (0 for eth0): fixed, so captures are stable.
declare -A LAB_HOST_ID=([lb]=01 [rs1]=02 [rs2]=03 [rs3]=04 [client]=50 [rogue]=60)
lab_mac() { printf '02:00:00:00:%s:%02x' "${LAB_HOST_ID[$1]:-99}" "$((${2:-0} + 1))"; }

# lab_ns NS...: creates the namespaces (one ip -batch), lo up in each.
lab_ns() {
  local ns
  printf 'netns add %s\n' "$@" | ip -b - || return 1
  LAB_NS+=("$@")
  for ns in "$@"; do ip -n "$ns" link set lo up || return 1; done
}

# lab_segment BRIDGE HOST:IFACE:ADDR/PREFIX ...: one L2 segment, a bridge in
# the namespace sw, with a veth per host (IFACE in HOST, up, with ADDR and its
# fixed MAC). The namespaces must exist (lab_ns sw HOST...).
lab_segment() {
  { printf '%s\n' "link add $1 type bridge" "link set $1 up"; lab_veths "$@"; } | ip -n sw -b - || return 1
  shift
  lab_veth_addrs "$@"
}

# lab_attach BRIDGE HOST:IFACE:ADDR/PREFIX ...: more hosts on the segment of
# an existing bridge, as lab_segment attaches them.
lab_attach() {
  lab_veths "$@" | ip -n sw -b - || return 1
  shift
  lab_veth_addrs "$@"
}

# lab_veths BRIDGE SPEC...: the `ip -b` lines (in sw) of each host's veth on the bridge.
lab_veths() {
  local br=$1 spec host iface cidr
  shift
  for spec in "$@"; do
    IFS=: read -r host iface cidr <<<"$spec"
    echo "link add v-$host-$iface type veth peer name $iface netns $host"
    echo "link set v-$host-$iface master $br up"
  done
}

# lab_veth_addrs SPEC...: each host's end: its fixed MAC, up, its address.
lab_veth_addrs() {
  local spec host iface cidr n
  for spec in "$@"; do
    IFS=: read -r host iface cidr <<<"$spec"
    n=${iface#eth}
    printf '%s\n' "link set $iface address $(lab_mac "$host" "$n")" "link set $iface up" "addr add $cidr dev $iface" |
      ip -n "$host" -b - || return 1
  done
}

# lab_ns_del NS...: deletes namespaces lab_ns made (before the scenario's end).
lab_ns_del() {
  local ns keep=() gone=" $* "
  printf 'netns del %s\n' "$@" | ip -b - || return 1
  for ns in "${LAB_NS[@]}"; do [[ $gone == *" $ns "* ]] || keep+=("$ns"); done
  LAB_NS=("${keep[@]}")
}

# lab_front PREFIX: the seed's topology: lb, rs1, rs2 and client on one
# segment, PREFIX.1, .2, .3 and .50 /24 on eth0.
lab_front() {
  local p=$1
  lab_ns sw lb rs1 rs2 client &&
    lab_segment br0 "lb:eth0:$p.1/24" "rs1:eth0:$p.2/24" "rs2:eth0:$p.3/24" "client:eth0:$p.50/24"
}

# lab_web P: the front segment (lab_front) with an HTTP responder on rs1 and
# rs2, ready; the scenario fails when it cannot be built.
lab_web() {
  lab_front "$1" || lab_fail "cannot build the topology"
  lab_httpd rs1
  lab_httpd rs2
  lab_httpd_ready rs1 && lab_httpd_ready rs2 || lab_fail "the HTTP responders do not listen"
}

# lab_httpd HOST [PORT]: busybox httpd in HOST answering its name on PORT (80).
lab_httpd() {
  local host=$1 port=${2:-80} dir
  dir=$(mktemp -d /tmp/lvsh-lab-www.XXXXXX)
  LAB_TMP+=("$dir")
  echo "$host" >"$dir/index.html"
  ip netns exec "$host" busybox httpd -f -p "$port" -h "$dir" &
  LAB_PIDS+=($!)
  LAB_HTTPD[$host:$port]=$!
}

# lab_httpd_stop HOST [PORT]: stops HOST's responder (lab_httpd), and waits
# until it is gone (nothing listens on PORT there any more).
lab_httpd_stop() {
  local k=$1:${2:-80} pid
  pid=${LAB_HTTPD[$k]:-}
  [[ -n $pid ]] || return 1
  kill "$pid" || return 1
  wait "$pid" 2>/dev/null
  unset "LAB_HTTPD[$k]"
}

# lab_listen HOST PROTO:PORT...: something listening in HOST on each PORT
# (PROTO tcp or udp), on every address, as a service's real server needs
# before lvsh adds it (its readiness check reads `ss -Hlntu`): one node
# process for them all, which accepts and closes (tcp) or reads and drops
# (udp). For the ports a scenario sends no traffic to; where it fetches, a
# responder (lab_httpd). Waits until every port listens; fails the scenario
# when one cannot.
lab_listen() {
  local host=$1 ready i
  shift
  ready=$(mktemp /tmp/lvsh-lab-listen.XXXXXX)
  LAB_TMP+=("$ready")
  ip netns exec "$host" node -e '
    const [file, ...specs] = process.argv.slice(1);
    let left = specs.length;
    const up = () => --left || require("node:fs").writeFileSync(file, "ready\n");
    for (const s of specs) {
      const [proto, port] = s.split(":");
      if (proto === "udp") require("node:dgram").createSocket("udp4").bind(Number(port), "0.0.0.0", up);
      else require("node:net").createServer((c) => c.destroy()).listen(Number(port), "0.0.0.0", up);
    }
  ' "$ready" "$@" &
  LAB_PIDS+=($!)
  for ((i = 0; i < 600; i++)); do
    [[ -s $ready ]] && return 0
    kill -0 "$!" 2>/dev/null || break
    sleep 0.05
  done
  lab_fail "$host: nothing listens on $*"
}

# lab_httpd_ready HOST [PORT]: waits until the responder accepts on HOST's
# own loopback (no packet between client and real servers before the test).
lab_httpd_ready() {
  ip netns exec "$1" bash -c "for _ in \$(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/${2:-80}) 2>/dev/null && exit 0; sleep 0.05; done; exit 1"
}

lab_cleanup() {
  local p
  for p in "${LAB_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${LAB_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  LAB_PIDS=()
  if ((${#LAB_NS[@]})); then printf 'netns del %s\n' "${LAB_NS[@]}" | ip -b - 2>/dev/null; fi
  LAB_NS=()
  if ((${#LAB_TMP[@]})); then rm -rf "${LAB_TMP[@]}"; fi
  LAB_TMP=()
}

# ---------------------------------------------------------------- traffic

# lab_fetch N URL [TIMEOUT]: N fetches of URL from the client, one connection
# each, every one bounded by TIMEOUT seconds (2). Prints the JSON record
# {answers, curl_exit, curl_errors, ms}: the body of each fetch (the name of
# the real server that answered; "" when it failed).
lab_fetch() {
  local n=$1 url=$2 timeout=${3:-2} t0 out line body="" i urls=()
  local answers=() codes=() errors=()
  for ((i = 0; i < n; i++)); do urls+=("$url"); done
  t0=$(now)
  out=$(ip netns exec client curl -s --max-time "$timeout" -H 'Connection: close' \
    -w '\n@@ %{exitcode} %{http_code} %{errormsg}\n' "${urls[@]}")
  while IFS= read -r line; do
    if [[ $line =~ ^@@\ ([0-9]+)\ ([0-9]+)\ ?(.*)$ ]]; then
      answers+=("$body")
      codes+=("${BASH_REMATCH[1]}")
      errors+=("${BASH_REMATCH[3]}")
      body=""
    elif [[ -n $line ]]; then
      body+=$line
    fi
  done <<<"$out"
  jobj answers "$(jstrs "${answers[@]}")" curl_exit "[$(IFS=,; echo "${codes[*]}")]" \
    curl_errors "$(jstrs "${errors[@]}")" ms "$(ms_since "$t0")"
}

# lab_stats VIP:PORT EXPECTED [MAX_MS]: polls the director's `ipvsadm -Ln
# --stats --exact` until the service counts EXPECTED connections (the IPVS
# estimator copies the counters every ~2 s) or MAX_MS (6000) pass. Prints
# {samples: [{ms, conns}], text}.
lab_stats() {
  local svc=$1 want=$2 max=${3:-6000} t0 samples=() conns text
  t0=$(now)
  while :; do
    text=$(ip netns exec lb ipvsadm -Ln --stats --exact)
    conns=$(awk -v s="$svc" '$1 ~ /^(TCP|UDP|SCTP)$/ && $2 == s { print $3 }' <<<"$text")
    samples+=("$(jobj ms "$(ms_since "$t0")" conns "${conns:-0}")")
    ((${conns:-0} >= want)) && break
    (($(ms_since "$t0") > max)) && break
    sleep 0.5
  done
  jobj samples "$(jarr "${samples[@]}")" text "$(jstr "$text")"
}

# lab_arp VIP: who answers ARP for VIP on the client's segment (one broadcast
# request, replies gathered for 1 s) and the client's neighbour entry for it
# (what its fetches used). Prints {replies: [MAC...], neigh, arping}.
lab_arp() {
  local vip=$1 out macs=() line neigh
  neigh=$(ip -n client -j neigh show "$vip" dev eth0)
  out=$(ip netns exec client busybox arping -c 1 -w 1 -I eth0 "$vip" 2>&1)
  while IFS= read -r line; do
    [[ $line =~ reply\ from\ [^\ ]+\ \[([0-9a-fA-F:]+)\] ]] && macs+=("${BASH_REMATCH[1],,}")
  done <<<"$out"
  jobj replies "$(jstrs "${macs[@]}")" neigh "${neigh:-[]}" arping "$(jstr "$out")"
}

# lab_macs HOST...: {HOST: MAC of eth0}.
lab_macs() {
  local h mac args=()
  for h in "$@"; do
    read -r _ _ mac _ < <(ip -n "$h" -br link show eth0)
    args+=("$h" "$(jstr "$mac")")
  done
  jobj "${args[@]}"
}

# ---------------------------------------------------------------- state

# The sysctls a snapshot records on every host.
LAB_SYSCTLS=(net.ipv4.ip_forward)
for _d in all lo eth0 tunl0; do
  LAB_SYSCTLS+=("net.ipv4.conf.$_d.arp_ignore" "net.ipv4.conf.$_d.arp_announce" "net.ipv4.conf.$_d.rp_filter")
done
unset _d

# lab_snap HOST...: what lvsh manages on each host, as the tools print it
# (one process per host): {HOST: {ipvsadm, arptables, addr, sysctl}}.
# `ipvsadm -Sn` on lb only; arptables-save is the current alternative's.
lab_snap() {
  local h dir args=() one
  dir=$(mktemp -d /tmp/lvsh-lab-snap.XXXXXX)
  for h in "$@"; do
    ip netns exec "$h" bash -c '
      d=$1 h=$2; shift 2
      [[ $h == lb ]] && ipvsadm -Sn >"$d/$h.ipvs" 2>&1
      arptables-save >"$d/$h.arp" 2>&1
      ip -j addr show >"$d/$h.addr" 2>&1
      sysctl -e "$@" >"$d/$h.sysctl" 2>&1
    ' _ "$dir" "$h" "${LAB_SYSCTLS[@]}"
    one=$(jobj ipvsadm "$(jfile "$dir/$h.ipvs")" arptables "$(jfile "$dir/$h.arp")" \
      addr "$(jfile "$dir/$h.addr")" sysctl "$(jfile "$dir/$h.sysctl")")
    args+=("$h" "$one")
  done
  rm -rf "$dir"
  jobj "${args[@]}"
}

# lab_arptables BUILD: makes `arptables` (and -save, -restore) the legacy or
# the nft build, as update-alternatives does on a Debian system. The guest's
# root is a throwaway overlay: this never reaches the host.
lab_arptables() {
  update-alternatives --quiet --set arptables "/usr/sbin/arptables-$1" >/dev/null
}

# ---------------------------------------------------------------- lvsh

# lab_state_dir: a fresh LVSH_STATE_DIR for this scenario (exported).
lab_state_dir() {
  LVSH_STATE_DIR=$(mktemp -d "/run/lvsh-state-${LAB_SCENARIO:-x}.XXXXXX")
  export LVSH_STATE_DIR
}

# lab_lvsh [ENV=VALUE...] -- ARG...: runs lvsh as a user would (the
# launcher dist/lvsh with the host's node, --yes --target local), bounded by
# LAB_LVSH_TIMEOUT. Prints {args, env, exit, stdout, stderr, ms}.
# LAB_LVSH_WRAP: a command prefix (words) to run the launcher under.
#
# lvsh runs on the director, as it does on a real balancer: in the namespace
# LAB_LVSH_NS (default lb; empty: the guest's own namespace). The scripts
# still say `host director via netns lb`, which names the same namespace.
# (scenario-netns-director.sh runs it from the guest's own namespace instead,
# and checks that the director's steps and reads still go to lb.)
lab_lvsh() {
  local envs=() t0 rc out err wrap=() ns=()
  read -ra wrap <<<"${LAB_LVSH_WRAP:-}"
  [[ -n ${LAB_LVSH_NS-lb} ]] && ns=(ip netns exec "${LAB_LVSH_NS-lb}")
  while (($#)) && [[ $1 != -- ]]; do
    envs+=("$1")
    shift
  done
  shift
  out=$(mktemp /tmp/lvsh-lab-out.XXXXXX)
  err=$(mktemp /tmp/lvsh-lab-err.XXXXXX)
  t0=$(now)
  timeout --kill-after=5 "$LAB_LVSH_TIMEOUT" "${ns[@]}" env "${envs[@]}" "${wrap[@]}" \
    "$LAB_LVSH" --yes --target local "$@" >"$out" 2>"$err" </dev/null
  rc=$?
  local ms
  ms=$(ms_since "$t0")
  jobj args "$(jstrs "$@")" env "$(jstrs "${envs[@]}")" netns "$(jstr "${LAB_LVSH_NS-lb}")" exit "$rc" \
    stdout "$(jfile "$out")" stderr "$(jfile "$err")" ms "$ms"
  rm -f "$out" "$err"
  log "lvsh $* -> exit $rc in $ms ms"
}

# lab_doctor NAME [ARG...]: `lvsh doctor --json ARG...` on the director
# (lab_lvsh): its record -- exit status, doctor's JSON as stdout, time --
# goes to doctor-NAME.json in the scenario's directory, and is printed.
lab_doctor() {
  local name=$1 rec
  shift
  rec=$(lab_lvsh -- doctor --json "$@")
  printf '%s\n' "$rec" >"$LAB_DIR/doctor-$name.json"
  printf '%s' "$rec"
}

# lab_lvsh_script NAME [ENV...] -- TEXT: writes TEXT to NAME.lvsh in the
# scenario's directory and runs it (lab_lvsh). The script stays next to the
# results, for people.
lab_lvsh_script() {
  local name=$1 envs=()
  shift
  while (($#)) && [[ $1 != -- ]]; do
    envs+=("$1")
    shift
  done
  shift
  local file=$LAB_DIR/$name.lvsh
  printf '%s\n' "$1" >"$file"
  lab_lvsh "${envs[@]}" -- "$file"
}

# ---------------------------------------------------------------- scenario

# lab_begin NAME: the scenario's directory ($LAB_DIR, in the results) and
# state directory; cleanup on exit.
lab_begin() {
  LAB_SCENARIO=$1
  LAB_DIR=$LAB_RESULTS/$1
  rm -rf "$LAB_DIR"
  mkdir -p "$LAB_DIR"
  LAB_T0=$(now)
  lab_state_dir
  trap lab_cleanup EXIT
}

# lab_end JSON: writes the scenario's result, $LAB_RESULTS/NAME.json.
lab_end() {
  printf '%s\n' "$1" >"$LAB_RESULTS/$LAB_SCENARIO.json"
  log "done in $(ms_since "$LAB_T0") ms"
}

# lab_fail MESSAGE: a result that says the scenario could not run.
lab_fail() {
  log "error: $*"
  jobj scenario "$(jstr "$LAB_SCENARIO")" error "$(jstr "$*")" >"$LAB_RESULTS/$LAB_SCENARIO.json"
  exit 1
}
