# lvsh plan: 12 steps on 3 hosts; nothing has been applied.

# on 172.25.254.2 (ssh root@172.25.254.2)
arptables -A INPUT -d 172.25.254.10 -j DROP  # 1. add ARP rule: drop requests for 172.25.254.10
arptables -A OUTPUT -s 172.25.254.10 -j mangle --mangle-ip-s 172.25.254.2  # 2. add ARP rule: announce 172.25.254.2 instead of 172.25.254.10
ip addr add 172.25.254.10/32 dev eth0  # 3. add address 172.25.254.10/32 on eth0
sh -c 'ip -o addr show | grep -q " inet 172.25.254.10/" || { echo "172.25.254.2 is not ready: 172.25.254.10 is not bound" >&2; exit 1; }; { arptables-save 2>/dev/null | grep -E -- "-d 172\.25\.254\.10( |$)" | grep -q -- "-j DROP" || [ "$(sysctl -n net.ipv4.conf.all.arp_ignore)" -ge 1 ]; } || { echo "172.25.254.2 is not ready: it answers ARP for 172.25.254.10" >&2; exit 1; }; ss -Hlnt "sport = :80" | grep -Eq " (172\.25\.254\.10|0\.0\.0\.0|\[::\]|\*)(%[^ :]+)?:80 " || { echo "172.25.254.2 is not ready: nothing listens on tcp 172.25.254.10:80" >&2; exit 1; }'  # 4. check real server 172.25.254.2 ready for tcp 172.25.254.10:80 (VIP bound, ARP hidden, port 80 listening)

# on 172.25.254.3 (ssh root@172.25.254.3)
arptables -A INPUT -d 172.25.254.10 -j DROP  # 5. add ARP rule: drop requests for 172.25.254.10
arptables -A OUTPUT -s 172.25.254.10 -j mangle --mangle-ip-s 172.25.254.3  # 6. add ARP rule: announce 172.25.254.3 instead of 172.25.254.10
ip addr add 172.25.254.10/32 dev eth0  # 7. add address 172.25.254.10/32 on eth0
sh -c 'ip -o addr show | grep -q " inet 172.25.254.10/" || { echo "172.25.254.3 is not ready: 172.25.254.10 is not bound" >&2; exit 1; }; { arptables-save 2>/dev/null | grep -E -- "-d 172\.25\.254\.10( |$)" | grep -q -- "-j DROP" || [ "$(sysctl -n net.ipv4.conf.all.arp_ignore)" -ge 1 ]; } || { echo "172.25.254.3 is not ready: it answers ARP for 172.25.254.10" >&2; exit 1; }; ss -Hlnt "sport = :80" | grep -Eq " (172\.25\.254\.10|0\.0\.0\.0|\[::\]|\*)(%[^ :]+)?:80 " || { echo "172.25.254.3 is not ready: nothing listens on tcp 172.25.254.10:80" >&2; exit 1; }'  # 8. check real server 172.25.254.3 ready for tcp 172.25.254.10:80 (VIP bound, ARP hidden, port 80 listening)

# on director (local)
ipvsadm -A -t 172.25.254.10:80 -s rr  # 9. add service tcp 172.25.254.10:80 rr
ipvsadm -a -t 172.25.254.10:80 -r 172.25.254.2:80 -g -w 1  # 10. add real server 172.25.254.2:80 of tcp 172.25.254.10:80: dr weight 1
ipvsadm -a -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 1  # 11. add real server 172.25.254.3:80 of tcp 172.25.254.10:80: dr weight 1
ip addr add 172.25.254.10/24 dev eth0  # 12. add address 172.25.254.10/24 on eth0

# Plan: 10 to add, 0 to change, 0 to destroy.
