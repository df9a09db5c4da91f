#!/usr/bin/env bash
# High availability through keepalived on the real kernel: two directors (d1
# .251 priority 150, d2 .252 priority 100, vrid 51) each run keepalived
# 2.2.7 in their own namespace, with their own /etc/keepalived
# (/etc/netns/dN/keepalived: `ip netns exec` binds it over /etc/keepalived);
# rs1, rs2 (and rs3) answer their name; the client fetches the VIP.
#
#   seed      the configuration committed: keepalived runs in both
#             directors, d1 holds the VIP, d2 not, both IPVS tables have the
#             service with both real servers; 20 fetches balance.
#   health    rs1's web server stopped: keepalived's HTTP_GET takes it out
#             on both directors within seconds (fetches only rs2; `show rs`
#             recorded); started again: back.
#   change    add rs3 and commit: both tables have 3 real servers; rollback:
#             both back to 2, both files as before the change.
#   fault     a configuration keepalived rejects (`interface eth9`): the
#             commit fails, both files byte for byte as before, keepalived
#             still runs the old one (same pids, VIP on d1).
#   sync      with `sync daemon on eth0 id 7`: a client connection that sent
#             data (IPVS syncs after net.ipv4.vs.sync_threshold packets) is
#             in d2's `ipvsadm -Lnc`; d1's keepalived stopped (SIGTERM: it
#             releases the VIP): time until d2 holds it; new fetches work;
#             the held connection's request gets its answer through d2.
#   nosync    negative control: `sync daemon off` committed (which starts d1's
#             keepalived again, and d1 takes the VIP back); the same held
#             connection is not on d2, and after the fail-over it is reset.
#
# In this order, so that keepalived is (re)started as few times as possible
# (each start and fail-over costs ~4-5 s, each lvsh start seconds under TCG).
#
# How keepalived gets its configuration (HA_MODE): `engine` -- lvsh commits
# it (`engine keepalived`: renders each director's file, checks it with
# `keepalived -t` in the director's namespace, installs it, reloads or starts
# keepalived, waits for the VIP); `export` -- as the scenario ran before lvsh
# had the engine: it does the same by hand from `lvsh export --format keepalived` (the
# `sync daemon` line added to global_defs by hand), and the real servers'
# part (ARP hiding, VIP) from `lvsh export --format sh`. Default: `engine`
# when the lvsh under test knows the statement, else `export`; the result
# says which ran.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_begin ha

P=192.0.2
VIP=$P.10
D1=$P.251
D2=$P.252
LAB_HOST_ID[d1]=11
LAB_HOST_ID[d2]=12
KCONF=/etc/keepalived/keepalived.conf
# each director's /etc/keepalived, seen from the guest's own namespace
kdir() { printf '/etc/netns/%s/keepalived' "$1"; }

# cleanup: keepalived in both directors (it is a daemon: lab_cleanup does not know it), their /etc/netns
ha_cleanup() {
  local d pid f
  for d in d1 d2; do
    for f in keepalived.pid keepalived.vrrp.pid keepalived.checkers.pid; do
      pid=$(cat "$(kdir "$d")/$f" 2>/dev/null) && [[ -n $pid ]] && kill "$pid" 2>/dev/null
    done
  done
  sleep 0.5
  for d in d1 d2; do
    pid=$(cat "$(kdir "$d")/keepalived.pid" 2>/dev/null) && [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null
  done
  lab_cleanup
  rm -rf /etc/netns/d1 /etc/netns/d2
}
trap ha_cleanup EXIT

# ---------------------------------------------------------------- topology

lab_ns sw d1 d2 rs1 rs2 rs3 client &&
  lab_segment br0 "d1:eth0:$D1/24" "d2:eth0:$D2/24" "rs1:eth0:$P.2/24" "rs2:eth0:$P.3/24" "rs3:eth0:$P.4/24" "client:eth0:$P.50/24" ||
  lab_fail "cannot build the topology"
for h in rs1 rs2 rs3; do lab_httpd "$h"; done
for h in rs1 rs2 rs3; do lab_httpd_ready "$h" || lab_fail "the HTTP responder of $h does not listen"; done
mkdir -p /etc/keepalived "$(kdir d1)" "$(kdir d2)" || lab_fail "cannot make /etc/netns/dN/keepalived"
# the binding works: d1 sees its own /etc/keepalived
echo d1 >"$(kdir d1)/which" && echo d2 >"$(kdir d2)/which"
[[ $(ip netns exec d1 cat /etc/keepalived/which) == d1 && $(ip netns exec d2 cat /etc/keepalived/which) == d2 ]] ||
  lab_fail "ip netns exec does not bind /etc/netns/dN/keepalived over /etc/keepalived"
rm -f "$(kdir d1)/which" "$(kdir d2)/which"
# the whole sync threshold, recorded (lab-notes: a connection is synced after 3 packets)
sync_threshold=$(ip netns exec d1 sysctl -n net.ipv4.vs.sync_threshold 2>&1 | tr -s '\t ' ' ')

# ---------------------------------------------------------------- mode

if [[ -n ${HA_MODE:-} ]]; then
  MODE=$HA_MODE
elif "$LAB_LVSH" --sim -c 'help engine' 2>/dev/null | grep -q keepalived; then
  MODE=engine
else
  MODE=export
fi
log "mode $MODE"

# ---------------------------------------------------------------- the configurations

# conf [sync|nosync] [rs3] [eth9]: the whole configuration, as a script
conf() {
  local sync=sync rs3="" eth9=""
  for a in "$@"; do
    case $a in
      nosync) sync=nosync ;;
      rs3) rs3=1 ;;
      eth9) eth9=1 ;;
    esac
  done
  echo "clear"
  echo "vip $VIP on eth0"
  echo "host .251 via netns d1"
  echo "host .252 via netns d2"
  echo "host .2 via netns rs1"
  echo "host .3 via netns rs2"
  [[ -n $rs3 ]] && echo "host .4 via netns rs3"
  echo "director pair .251 .252 priority 150 100 vrid 51${eth9:+ interface eth9}"
  echo "engine keepalived"
  if [[ $sync == sync ]]; then echo "sync daemon on eth0 id 7"; else echo "sync daemon off"; fi
  echo "service :80 rr"
  echo "add rs .2 .3${rs3:+ .4} dr"
  echo "check http / every 1s timeout 1s retry 1"
  echo "arp hide on rs"
  echo "commit"
}

# ---------------------------------------------------------------- keepalived by hand (export mode)

# ka_pid D: the pid of D's keepalived (its pid file), when it runs
ka_pid() {
  local pid
  pid=$(cat "$(kdir "$1")/keepalived.pid" 2>/dev/null) || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
}
# ka_start D: keepalived in D as the engine starts it (pid files beside the configuration)
ka_start() {
  local k=/etc/keepalived
  ip netns exec "$1" keepalived -l -D -f $KCONF -p $k/keepalived.pid -r $k/keepalived.vrrp.pid -c $k/keepalived.checkers.pid \
    >>"$LAB_DIR/keepalived-$1.log" 2>&1 </dev/null
}
# ka_stop D: SIGTERM to D's keepalived; waits until it is gone
ka_stop() {
  local pid _
  pid=$(ka_pid "$1") || return 0
  kill "$pid"
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# ka_export NAME TEXT: what `engine keepalived` will do, by hand: the real
# servers' part from `lvsh export --format sh` (each host's script once: the
# scenario never removes a real server's part), each director's file from
# `lvsh export --format keepalived` (with `lvs_sync_daemon` added), checked
# with `keepalived -t` in each director's namespace; when both pass,
# installed (the previous kept as .lvsh-prev) and keepalived reloaded
# (SIGHUP) or started; then a wait for the table and the VIP. Prints
# {exit, stdout, stderr, ms} like lab_lvsh.
ka_export() {
  local name=$1 text=$2 t0 dir err rc=0 d f sync="" n
  n=$(awk '$1 == "add" && $2 == "rs" { print NF - 3 }' <<<"$text")
  t0=$(now)
  dir=$LAB_DIR/$name.export
  mkdir -p "$dir/sh"
  err=$dir/log
  : >"$err"
  # the statements lvsh does not know yet
  # (one path for every export: the files' header names it, and a rollback must give the same bytes)
  printf '%s\n' "$text" | grep -v -e '^engine ' -e 'sync daemon' >"$LAB_DIR/export.lvsh"
  grep -q '^sync daemon on eth0 id 7' <<<"$text" && sync=1
  # the real servers' part: only when one is new (an lvsh start costs seconds)
  local a new=""
  for a in $(awk '$1 == "add" && $2 == "rs" { for (i = 3; i < NF; i++) print $i }' <<<"$text"); do
    [[ -e $LAB_DIR/rs-done-$P$a ]] || new=1
  done
  LVSH_STATE_DIR=$dir/state "$LAB_LVSH" export --format keepalived --to "$dir" "$LAB_DIR/export.lvsh" >>"$err" 2>&1 || rc=1
  if [[ -n $new ]]; then
    LVSH_STATE_DIR=$dir/state "$LAB_LVSH" export --format sh --to "$dir/sh" "$LAB_DIR/export.lvsh" >>"$err" 2>&1 || rc=1
  fi
  if ((rc == 0)); then
    for d in d1 d2; do
      f=$dir/keepalived-$([[ $d == d1 ]] && echo "$D1" || echo "$D2").conf
      [[ -n $sync ]] && sed -i '/^global_defs {/a\    lvs_sync_daemon eth0 lvsh_eth0_51 id 7' "$f"
      cp "$f" "$dir/$d.conf"
      ip netns exec "$d" keepalived -t -l -f "$dir/$d.conf" >>"$err" 2>&1 || {
        echo "keepalived -t on $d: exit $?" >>"$err"
        rc=1
      }
    done
  fi
  if ((rc == 0)); then
    for f in "$dir"/sh/192.0.2.*.sh; do
      [[ -e $f && $f != *.undo.sh ]] || continue
      a=${f##*/}
      a=${a%.sh}
      # (ha_commit runs in a subshell: the real servers done are files)
      [[ -e $LAB_DIR/rs-done-$a ]] && continue
      ip netns exec "rs$((${a##*.} - 1))" sh "$f" >>"$err" 2>&1 || rc=1
      touch "$LAB_DIR/rs-done-$a"
    done
  fi
  if ((rc == 0)); then
    for d in d1 d2; do
      [[ -f $(kdir "$d")/keepalived.conf ]] && cp -p "$(kdir "$d")/keepalived.conf" "$(kdir "$d")/keepalived.conf.lvsh-prev"
      cp "$dir/$d.conf" "$(kdir "$d")/keepalived.conf"
      if pid=$(ka_pid "$d"); then kill -HUP "$pid"; else ka_start "$d"; fi
    done
    wait_settled "$n" || {
      echo "the directors did not settle: d1 VIP $(holds d1), tables $(nreals d1)/$(nreals d2)" >>"$err"
      rc=1
    }
  fi
  jobj args "$(jstrs export "$name")" mode '"export"' exit "$rc" stdout '""' stderr "$(jfile "$err")" ms "$(ms_since "$t0")"
  log "keepalived by hand ($name) -> exit $rc in $(ms_since "$t0") ms"
}

# ha_commit NAME TEXT: the configuration committed, by lvsh (engine) or by hand
# (export); the record, and what the directors run then, also go to NAME.json
# and NAME.directors.json at once (for a run that does not reach its end)
ha_commit() {
  local rec
  if [[ $MODE == engine ]]; then
    rec=$(LAB_LVSH_NS="" lab_lvsh_script "$1" -- "$2")
  else
    printf '%s\n' "$2" >"$LAB_DIR/$1.lvsh"
    rec=$(ka_export "$1" "$2")
  fi
  printf '%s\n' "$rec" >"$LAB_DIR/$1.json"
  directors >"$LAB_DIR/$1.directors.json"
  printf '%s' "$rec"
}

# ---------------------------------------------------------------- observations

# holds D: true when D has the VIP
holds() { [[ $(ip -n "$1" -o -4 addr show dev eth0) == *" $VIP/"* ]] && echo true || echo false; }
# reals D: D's real servers of VIP:80 (ipvsadm -Sn), one per line
table() { ip netns exec "$1" ipvsadm -Sn 2>&1; }
reals() { table "$1" | awk -v s="$VIP:80" '$1 == "-a" && $3 == s { sub(/:80$/, "", $5); print $5 }' | sort; }
nreals() { reals "$1" | grep -c .; }
# wait_settled [N] [MS]: until both tables have N (2) real servers and d1 holds the VIP, or MS (30000) pass
wait_settled() {
  local n=${1:-2} max=${2:-30000} t0
  t0=$(now)
  while (($(ms_since "$t0") < max)); do
    [[ $(nreals d1) == "$n" && $(nreals d2) == "$n" && $(holds d1) == true && $(holds d2) == false ]] && return 0
    sleep 0.2
  done
  return 1
}
# wait_vip D: ms until D holds the VIP (polled), or null after 20 s
wait_vip() {
  local t0
  t0=$(now)
  while (($(ms_since "$t0") < 20000)); do
    [[ $(holds "$1") == true ]] && {
      ms_since "$t0"
      return 0
    }
    sleep 0.05
  done
  printf null
}
# director D: what D runs: {keepalived (pid or null), vip, reals, ipvsadm, daemon} (one process in D)
director() {
  local out line sec=0 parts=("" "" "" "") vip tbl daemon
  out=$(ip netns exec "$1" bash -c 'echo @@1; ip -o -4 addr show dev eth0; echo @@2; ipvsadm -Sn 2>&1; echo @@3; ipvsadm -Ln --daemon 2>&1')
  while IFS= read -r line; do
    case $line in
      @@[123]) sec=${line#@@} ;;
      *) parts[sec]+=$line$'\n' ;;
    esac
  done <<<"$out"
  vip=${parts[1]} tbl=${parts[2]%$'\n'} daemon=${parts[3]%$'\n'}
  [[ $vip == *" $VIP/"* ]] && vip=true || vip=false
  jobj keepalived "$(jnum "$(ka_pid "$1")")" vip "$vip" \
    reals "$(jstrs $(awk -v s="$VIP:80" '$1 == "-a" && $3 == s { sub(/:80$/, "", $5); print $5 }' <<<"$tbl" | sort))" \
    ipvsadm "$(jstr "$tbl")" daemon "$(jstr "$daemon")"
}
directors() { jobj d1 "$(director d1)" d2 "$(director d2)"; }
# files: each director's keepalived.conf and .lvsh-prev
files() {
  jobj d1 "$(jfile "$(kdir d1)/keepalived.conf")" d2 "$(jfile "$(kdir d2)/keepalived.conf")" \
    d1_prev "$(jfile "$(kdir d1)/keepalived.conf.lvsh-prev")" d2_prev "$(jfile "$(kdir d2)/keepalived.conf.lvsh-prev")"
}
# conns D: D's connections to the VIP from the client (ipvsadm -Lnc), one per line
conns() { ip netns exec "$1" ipvsadm -Lnc 2>&1 | awk -v v="$VIP:80" -v c="$P.50:$2" '$5 == v && $4 == c'; }

# ---------------------------------------------------------------- a held connection

# session_open NAME: the client connects to the VIP and sends the request's
# first lines, one packet each (more than sync_threshold packets), and
# waits; sets S_FILE and S_PORT (its source port, from the client's ss).
session_open() {
  S_FILE=$LAB_DIR/session-$1
  rm -f "$S_FILE".*
  ip netns exec client bash -c '
    f=$1
    exec 3<>/dev/tcp/$2/80 || { echo 1 >"$f.rc"; exit 1; }
    for h in "GET / HTTP/1.1" "Host: vip" "User-Agent: lab" "X-Lab-1: a" "X-Lab-2: b" "X-Lab-3: c"; do
      printf "%s\r\n" "$h" >&3
      sleep 0.2
    done
    touch "$f.sent"
    for _ in $(seq 600); do [[ -e $f.go ]] && break; sleep 0.1; done
    printf "\r\n" >&3
    timeout 8 cat <&3 >"$f.resp" 2>"$f.err"
    echo $? >"$f.rc"
  ' _ "$S_FILE" "$VIP" &
  S_PID=$!
  LAB_PIDS+=("$S_PID")
  local _
  for _ in $(seq 100); do
    [[ -e $S_FILE.sent || -e $S_FILE.rc ]] && break
    sleep 0.1
  done
  S_PORT=$(ip netns exec client ss -Htn state established dst "$VIP" | awk '{ n = split($3, a, ":"); print a[n]; exit }')
}
# session_finish: the client sends the request's end and reads the answer; prints {rc, answer, status, error}
session_finish() {
  touch "$S_FILE.go"
  # (its rc file, not `wait`: the answer is read only once the client wrote it all)
  local _
  for _ in $(seq 150); do
    [[ -s $S_FILE.rc ]] && break
    sleep 0.1
  done
  wait "$S_PID" 2>/dev/null
  local resp body status
  resp=$(cat "$S_FILE.resp" 2>/dev/null)
  status=$(head -n 1 <<<"$resp" | tr -d '\r')
  body=$(awk 'f { print } /^\r?$/ { f = 1 }' <<<"$resp" | tr -d '\r\n')
  jobj rc "$(jnum "$(cat "$S_FILE.rc" 2>/dev/null)")" status "$(jstr "$status")" answer "$(jstr "$body")" error "$(jfile "$S_FILE.err")"
}
# on_backup: polls d2's ipvsadm -Lnc for the session (for 5 s: the sync
# daemon sends its buffer at least every 2 s); prints {ms, d1, d2}
on_backup() {
  local t0 b=""
  t0=$(now)
  while (($(ms_since "$t0") < 5000)); do
    b=$(conns d2 "$S_PORT")
    [[ -n $b ]] && break
    sleep 0.2
  done
  jobj ms "$(ms_since "$t0")" d1 "$(jstr "$(conns d1 "$S_PORT")")" d2 "$(jstr "$b")"
}

# failover NAME SYNC: a held connection, then d1's keepalived stopped
failover() {
  local t0 backup stop_ms vip_ms fetch session d2_after
  t0=$(now)
  session_open "$1"
  local opened_ms
  opened_ms=$(ms_since "$t0")
  backup=$(on_backup)
  local t1
  t1=$(now)
  ka_stop d1
  stop_ms=$(ms_since "$t1")
  vip_ms=$(wait_vip d2)
  local after
  after=$(ms_since "$t1")
  fetch=$(lab_fetch 4 "http://$VIP/" 2)
  d2_after=$(conns d2 "$S_PORT")
  session=$(session_finish)
  jobj port "$(jstr "$S_PORT")" opened_ms "$opened_ms" backup "$backup" stop_ms "$stop_ms" vip_ms "$vip_ms" \
    vip_after_kill_ms "$after" directors "$(directors)" fetch "$fetch" d2_conn_after "$(jstr "$d2_after")" session "$session" ms "$(ms_since "$t0")"
}

phase() { log "phase $1: $(ms_since "$PH0") ms"; PH0=$(now); }
PH0=$(now)

# ---------------------------------------------------------------- 1. seed

seed=$(ha_commit seed "$(conf sync)")
seed_settled=$(wait_settled && echo true || echo false)
seed_dirs=$(directors)
seed_files=$(files)
seed_fetch=$(lab_fetch 20 "http://$VIP/" 2)
seed_case=$(jobj commit "$seed" settled "$seed_settled" directors "$seed_dirs" files "$seed_files" fetch "$seed_fetch" ms "$(ms_since "$PH0")")
phase seed

# ---------------------------------------------------------------- 2. health check

lab_httpd_stop rs1
t0=$(now)
down_ms=null
while (($(ms_since "$t0") < 20000)); do
  [[ $(reals d1) != *"$P.2"* && $(reals d2) != *"$P.2"* ]] && {
    down_ms=$(ms_since "$t0")
    break
  }
  sleep 0.1
done
down_dirs=$(directors)
down_fetch=$(lab_fetch 4 "http://$VIP/" 2)
if [[ $MODE == engine ]]; then
  show=$(LAB_LVSH_NS="" lab_lvsh -- -c 'show rs')
else
  # no committed revision yet: lvsh reads d1 as its director
  show=$(LAB_LVSH_NS=d1 lab_lvsh -- -c 'show rs')
fi
lab_httpd rs1
lab_httpd_ready rs1
t0=$(now)
up_ms=null
while (($(ms_since "$t0") < 20000)); do
  [[ $(nreals d1) == 2 && $(nreals d2) == 2 ]] && {
    up_ms=$(ms_since "$t0")
    break
  }
  sleep 0.1
done
up_fetch=$(lab_fetch 4 "http://$VIP/" 2)
health_case=$(jobj down_ms "$down_ms" directors_down "$down_dirs" fetch_down "$down_fetch" show_rs "$show" up_ms "$up_ms" \
  directors_up "$(directors)" fetch_up "$up_fetch" ms "$(ms_since "$PH0")")
phase health

# ---------------------------------------------------------------- 3. a change while both run, and rollback

before_files=$(files)
add=$(ha_commit add-rs3 "$(conf sync rs3)")
wait_settled 3 >/dev/null
add_dirs=$(directors)
add_files=$(files)
add_fetch=$(lab_fetch 6 "http://$VIP/" 2)
if [[ $MODE == engine ]]; then
  rb=$(LAB_LVSH_NS="" lab_lvsh -- -c 'rollback; commit')
else
  rb=$(ha_commit rollback "$(conf sync)")
fi
wait_settled 2 >/dev/null
change_case=$(jobj files_before "$before_files" add "$add" directors_add "$add_dirs" files_add "$add_files" fetch_add "$add_fetch" \
  rollback "$rb" directors_rollback "$(directors)" files_rollback "$(files)" ms "$(ms_since "$PH0")")
phase change

# ---------------------------------------------------------------- 4. a configuration keepalived rejects

f_before=$(files)
pids_before=$(jobj d1 "$(jnum "$(ka_pid d1)")" d2 "$(jnum "$(ka_pid d2)")")
bad=$(ha_commit eth9 "$(conf sync eth9)")
sleep 1
fault_case=$(jobj files_before "$f_before" commit "$bad" files_after "$(files)" pids_before "$pids_before" directors "$(directors)" \
  ms "$(ms_since "$PH0")")
phase fault

# ---------------------------------------------------------------- 5. fail-over with connection sync

sync_case=$(failover sync)
phase sync

# ---------------------------------------------------------------- 6. the negative control: sync daemon off

nosync=$(ha_commit nosync "$(conf nosync)")
nosync_settled=$(wait_settled && echo true || echo false)
nosync_dirs=$(directors)
nosync_fo=$(failover nosync)
nosync_case=$(jobj commit "$nosync" settled "$nosync_settled" directors "$nosync_dirs" files "$(files)" failover "$nosync_fo" ms "$(ms_since "$PH0")")
phase nosync

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" mode "$(jstr "$MODE")" vip "$(jstr "$VIP")" \
  keepalived "$(jstr "$(keepalived -v 2>&1 | head -n 1)")" sync_threshold "$(jstr "$sync_threshold")" \
  seed "$seed_case" health "$health_case" change "$change_case" fault "$fault_case" sync "$sync_case" nosync "$nosync_case" \
  ms "$(ms_since "$LAB_T0")")"
