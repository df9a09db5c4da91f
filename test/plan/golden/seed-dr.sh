# lvsh plan: 10 steps on 3 hosts; nothing has been applied.

# on 172.25.254.2 (ssh root@172.25.254.2)
arptables -A INPUT -d 172.25.254.10 -j DROP  # 1. add ARP rule: drop requests for 172.25.254.10
arptables -A OUTPUT -s 172.25.254.10 -j mangle --mangle-ip-s 172.25.254.2  # 2. add ARP rule: announce 172.25.254.2 instead of 172.25.254.10
ip addr add 172.25.254.10/32 dev eth0  # 3. add address 172.25.254.10/32 on eth0

# on 172.25.254.3 (ssh root@172.25.254.3)
arptables -A INPUT -d 172.25.254.10 -j DROP  # 4. add ARP rule: drop requests for 172.25.254.10
arptables -A OUTPUT -s 172.25.254.10 -j mangle --mangle-ip-s 172.25.254.3  # 5. add ARP rule: announce 172.25.254.3 instead of 172.25.254.10
ip addr add 172.25.254.10/32 dev eth0  # 6. add address 172.25.254.10/32 on eth0

# on director (local)
ipvsadm -A -t 172.25.254.10:80 -s rr  # 7. add service tcp 172.25.254.10:80 rr
ipvsadm -a -t 172.25.254.10:80 -r 172.25.254.2:80 -g -w 1  # 8. add real server 172.25.254.2:80 of tcp 172.25.254.10:80: dr weight 1
ipvsadm -a -t 172.25.254.10:80 -r 172.25.254.3:80 -g -w 1  # 9. add real server 172.25.254.3:80 of tcp 172.25.254.10:80: dr weight 1
ip addr add 172.25.254.10/24 dev eth0  # 10. add address 172.25.254.10/24 on eth0

# Plan: 10 to add, 0 to change, 0 to destroy.
