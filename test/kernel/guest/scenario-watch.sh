#!/usr/bin/env bash
# watch on the real kernel (issue 14): wrr 1:3, then
#   idle     `lvsh watch --json --count 1` before any traffic: cps 0 everywhere
#            (the negative control);
#   traffic  the client fetches in a loop; `lvsh watch --json --count 4
#            --interval 2` meanwhile, and the kernel's own `ipvsadm -Ln --rate
#            --exact` right after it: both real servers above 0 connections/s,
#            about 1:3, and the last sample near the kernel's figures (its
#            estimator averages over ~2 s).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_begin watch

P=192.0.2
VIP=$P.10
lab_web "$P"
seed=$(lab_lvsh_script seed -- "host director via netns lb
vip $VIP on eth0
host .2 via netns rs1
host .3 via netns rs2
service :80 wrr
add rs .2 weight 1
add rs .3 weight 3
arp hide on rs
commit")

idle=$(lab_lvsh -- watch --json --count 1)

# four fetch loops at once: enough connections a second under TCG for the kernel's rates
loads=()
for _ in 1 2 3 4; do
  ip netns exec client bash -c "end=\$((SECONDS + 60)); while ((SECONDS < end)); do curl -s -o /dev/null --max-time 2 -H 'Connection: close' http://$VIP/; done" &
  loads+=($!)
  LAB_PIDS+=($!)
done
sleep 4
busy=$(lab_lvsh -- watch --json --count 4 --interval 2)
rate=$(ip netns exec lb ipvsadm -Ln --rate --exact)
kill "${loads[@]}" 2>/dev/null

lab_end "$(jobj scenario "$(jstr "$LAB_SCENARIO")" vip "$(jstr "$VIP")" seed "$seed" idle "$idle" busy "$busy" rate "$(jstr "$rate")" \
  ms "$(ms_since "$LAB_T0")")"
