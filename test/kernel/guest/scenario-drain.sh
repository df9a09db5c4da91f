#!/usr/bin/env bash
# drain on the real kernel (issue 14). The client holds a TCP connection to
# the VIP (opened, no request sent: busybox httpd keeps it for 60 s) that
# lands on real server X; then:
#
#   drain     `drain rs X timeout 60s; commit` in the background: X at weight
#             0 at once, new fetches all go to the other real server, the
#             commit still waits while the connection lives; the client
#             closes it: the commit deletes X within seconds and exits 0.
#   timeout   `drain rs X timeout 3s; commit` with the connection held: the
#             commit fails and undoes (X back at weight 1).
#   kill      `drain rs X timeout 60s; commit` killed (SIGKILL) while it
#             waits: X stays at weight 0; `lvsh recover` puts weight 1 back.
#   force     `drain rs Y timeout 3s force; commit` on the last real server:
#             deleted anyway, the commit says it cut 1 connection.
#
# In this order, so that no case needs the seed again: the timeout and the
# recover leave the seed as it was, the drain leaves one real server, which
# force then deletes. (lvsh starts take seconds each under TCG.)
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_begin drain

P=192.0.2
VIP=$P.10
lab_web "$P"
printf '%s\n' "clear
host director via netns lb
vip $VIP on eth0
host .2 via netns rs1
host .3 via netns rs2
service :80 rr
add rs .2 .3 dr
arp hide on rs
commit comment seed" >"$LAB_DIR/seed.lvsh"

# hold: opens a connection from the client to the VIP and keeps it (sets
# HOLD_PID and X, the real server it landed on, as ipvsadm -Lnc says).
hold() {
  ip netns exec client bash -c "exec 3<>/dev/tcp/$VIP/80 && sleep 120" &
  HOLD_PID=$!
  X=""
  local _
  for _ in $(seq 50); do
    X=$(ip netns exec lb ipvsadm -Lnc | awk -v v="$VIP:80" '$3 == "ESTABLISHED" && $5 == v { sub(/:80$/, "", $6); print $6; exit }')
    [[ -n $X ]] && return 0
    sleep 0.1
  done
  return 1
}
release() { kill "$HOLD_PID" 2>/dev/null; wait "$HOLD_PID" 2>/dev/null; }
# weight ADDR: X's weight in the director's table ("" when it is not there)
weight() { ip netns exec lb ipvsadm -Sn | awk -v r="$1:80" '$1 == "-a" && $5 == r { print $8 }'; }
drain_cmd() { printf 'use vip %s; use service :80; drain rs %s %s; commit' "$VIP" "$1" "$2"; }

seed=$(lab_lvsh -- "$LAB_DIR/seed.lvsh")

# --- timeout: fails and undoes
hold || lab_fail "the held connection is not in ipvsadm -Lnc"
x2=$X
c=$(lab_lvsh -- -c "$(drain_cmd "$x2" "timeout 3s")")
timeout_case=$(jobj x "$(jstr "$x2")" commit "$c" weight_at_end "$(jstr "$(weight "$x2")")")
release

# --- kill during the wait, then recover
hold || lab_fail "the held connection is not in ipvsadm -Lnc"
x4=$X
ip netns exec lb env LVSH_STATE_DIR="$LVSH_STATE_DIR" "$LAB_LVSH" --yes --target local -c "$(drain_cmd "$x4" "timeout 60s")" >/dev/null 2>&1 </dev/null &
kpid=$!
for _ in $(seq 300); do
  [[ $(weight "$x4") == 0 ]] && break
  sleep 0.1
done
sleep 1
# the launcher may run node as a child: whatever lvsh drains here goes too
pkill -9 -f "drain rs $x4" 2>/dev/null
kill -9 "$kpid" 2>/dev/null
wait "$kpid" 2>/dev/null
killed_weight=$(weight "$x4")
rec=$(lab_lvsh -- recover)
kill_case=$(jobj x "$(jstr "$x4")" weight_after_kill "$(jstr "$killed_weight")" recover "$rec" weight_at_end "$(jstr "$(weight "$x4")")")
release

# --- drain: waits for the held connection, then deletes
hold || lab_fail "the held connection is not in ipvsadm -Lnc"
x1=$X
out=$(mktemp /tmp/lvsh-lab-drain.XXXXXX)
t0=$(now)
ip netns exec lb env LVSH_STATE_DIR="$LVSH_STATE_DIR" "$LAB_LVSH" --yes --target local -c "$(drain_cmd "$x1" "timeout 90s")" >"$out" 2>&1 </dev/null &
commit_pid=$!
w0=""
for _ in $(seq 300); do
  w0=$(weight "$x1")
  [[ $w0 == 0 ]] && break
  sleep 0.1
done
weight_ms=$(ms_since "$t0")
fetch=$(lab_fetch 4 "http://$VIP/" 2)
sleep 2
kill -0 "$commit_pid" 2>/dev/null && waiting=true || waiting=false
present=$(weight "$x1")
t1=$(now)
release
wait "$commit_pid"
rc=$?
after_close_ms=$(ms_since "$t1")
gone=$(weight "$x1")
drain=$(jobj x "$(jstr "$x1")" weight_after "$(jstr "$w0")" weight_ms "$weight_ms" fetch "$fetch" waiting_after_fetch "$waiting" \
  weight_while_waiting "$(jstr "$present")" exit "$rc" after_close_ms "$after_close_ms" weight_at_end "$(jstr "$gone")" output "$(jfile "$out")")
rm -f "$out"

# --- force on the last real server: deletes anyway, says what it cut
hold || lab_fail "the held connection is not in ipvsadm -Lnc"
x3=$X
c=$(lab_lvsh -- -c "$(drain_cmd "$x3" "timeout 3s force")")
force_case=$(jobj x "$(jstr "$x3")" commit "$c" weight_at_end "$(jstr "$(weight "$x3")")")
release

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" vip "$(jstr "$VIP")" seed "$seed" drain "$drain" timeout "$timeout_case" \
  force "$force_case" kill "$kill_case" ms "$(ms_since "$LAB_T0")")"
