/**
 * What each statement is for, with examples. The syntax itself is never
 * written here: help and grammar/README.md generate it from the parser.
 * A test checks that every statement has an entry and every example parses.
 */
import { slots } from "./slots.js";

export interface StatementHelp {
  readonly summary: string;
  readonly details?: string;
  readonly examples: readonly string[];
}

export const statementHelp: Readonly<Record<string, StatementHelp>> = {
  vip: {
    summary: "Declare a virtual IP and make it the current VIP. With `on IFACE`, lvsh binds it on the director (as /32 or /128 unless a prefix is given). A VIP declared before keeps its interface and prefix (`vip ADDR` alone selects it).",
    examples: ["vip 172.25.254.10 on eth0", "vip 2001:db8::10 on eth0", "vip 192.0.2.10/24 on eth1"],
  },
  service: {
    summary:
      "Declare a virtual service and make it the current service. The address defaults to the current VIP; the scheduler to wlc; `persistent` alone means 360 s, `persistent 0` none. A new service takes ipvsadm's defaults for what is not given; an existing one keeps its options (`service :80` alone selects it).",
    details:
      "Scheduler flags: sh-fallback and sh-port (sh), mh-fallback and mh-port (mh). `one-packet` is for UDP. `pe sip` needs `persistent`.",
    examples: ["service :80 rr", "service udp :53 sh flags sh-fallback,sh-port", "service :443 wlc persistent 600 netmask 255.255.255.0", "service fwmark 7 wrr"],
  },
  add: {
    summary:
      "Add real servers to the current service: dr (default, gatewaying), nat (masquerading) or tun (tunnelling); weight 1 by default. `min`/`max` are the connection thresholds. Adding one that exists sets it to exactly what is given.",
    examples: ["add rs .2 .3 dr", "add rs .4 weight 3", "add rs 192.0.2.21:8080 nat", "add rs .5 tun type gue port 6080"],
  },
  set: {
    summary: "Change only the given options of real servers of the current service.",
    examples: ["set rs .3 weight 0", "set rs .2 .3 max 1000 min 800"],
  },
  del: {
    summary: "Remove real servers of the current service, a service, or a VIP (with its services).",
    examples: ["del rs .3", "del service :80", "del service udp 192.0.2.10:53", "del vip 172.25.254.10"],
  },
  drain: {
    summary:
      "Take real servers out without cutting a connection: at commit, weight 0 at once (no new connections), then lvsh waits until each has no active connection (reading `ipvsadm -Ln` on the director about once a second, with progress), then deletes it (`then keep`: leaves it at weight 0). The rest of the plan runs first. At the `timeout` (default 5m) the commit fails and undoes (the weight goes back), unless `force`, which deletes anyway and says how many connections it cut. Ctrl-C or a lost session during the wait: `lvsh recover` puts the weight back. `from SERVICE` when it is not the current service.",
    examples: ["drain rs .3", "drain rs .2 .3 timeout 10m", "drain rs .3 then keep", "drain rs .3 timeout 30s force", "drain rs 172.25.254.3 from 172.25.254.10:80"],
  },
  maintenance: {
    summary:
      "Take real servers of the current service out of new connections (weight 0) and bring them back (`off`: the configured weight), recorded in the configuration so that `show rs` says why a server is at 0. Their connections go on; `drain rs` waits for them to end before a delete.",
    examples: ["maintenance rs .3 on", "maintenance rs .3 off"],
  },
  use: {
    summary: "Make an existing service or VIP the current one.",
    examples: ["use service :443", "use vip 172.25.254.10"],
  },
  arp: {
    summary:
      "On every dr/tun real server of the current VIP: hide the VIP from ARP, then bind it. `via arptables` (default) drops ARP for the VIP and rewrites the source of ARP sent with it, and binds it on `dev` (default eth0); `via sysctl` binds it on lo (or `dev`: lo or a dummy, never the interface facing the clients, where arp_ignore=1 still answers) with arp_ignore=1 and arp_announce=2. A tun real server binds it on tunl0 (unless `dev` is given), brings tunl0 up and turns rp_filter off on all and tunl0.",
    examples: ["arp hide on rs", "arp hide on rs via sysctl", "arp hide on rs dev ens3"],
  },
  check: {
    summary:
      "A health check of the current service's real servers, for keepalived (`lvsh export --format keepalived`): `http`/`https` GET a PATH and expect a status (default 200-299), `tcp` connects, `udp` sends a datagram (an ICMP error fails it), `smtp` says HELO, `ping` sends an ICMP echo, `dns` asks for a NAME (`type`, default SOA), `misc` runs a program (exit 0 is healthy), `none` checks nothing. With `rs ...` it is the check of those real servers only. It changes nothing lvsh applies.",
    details:
      "Defaults: every 10 s, timeout 5 s, retry 1, the real server's own port. A fwmark service's real servers are on port 0: give `port` (not for ping or misc). `check misc \"PATH ARGS\"`: `timeout` is how long the program may run (default: its interval); with `dynamic` its exit code sets the weight (0: as configured, 1: down, 2..255: weight exit-2). keepalived's FILE_CHECK and BFD_CHECK cannot be said. `commit check` is something else: a commit that only plans.",
    examples: [
      "check http / expect 200",
      "check https /health expect 200-299 every 5 timeout 2 retry 3",
      "check tcp port 8080 rs .4 .5",
      "check udp port 53",
      "check smtp helo lb1.example.com",
      "check ping every 2 rs .9",
      "check dns www.example.com type A",
      'check misc "/usr/local/bin/check-app --port 8080" timeout 3 dynamic',
      "check none rs .9",
    ],
  },
  sorry: {
    summary: "The server that takes the current service's traffic when its healthy real servers weigh less than the quorum (keepalived's sorry_server). The port defaults to the service's.",
    examples: ["sorry server .99", "sorry server 192.0.2.99:8080"],
  },
  quorum: {
    summary: "The total weight of healthy real servers the current service needs; below it keepalived uses the sorry server (default 1).",
    examples: ["quorum 2"],
  },
  inhibit: {
    summary: "When a check fails, keepalived sets the real server's weight to 0 (existing connections continue) instead of removing it.",
    examples: ["inhibit on failure"],
  },
  director: {
    summary:
      "The two directors that share the current VIP, for fail-over with keepalived's VRRP: `lvsh export --format keepalived` writes one file per director, MASTER for the higher priority (default 150 and 100, the first is MASTER). VIPs whose pairs name the same vrid (default 51) on one interface are one vrrp_instance and fail over together; give a VIP its own `vrid` to let it fail over alone.",
    details: "The interface defaults to the VIP's (`vip ADDR on IFACE`). The addresses are the directors' own, not the VIP.",
    examples: ["director pair .251 .252", "director pair 192.0.2.251 192.0.2.252 priority 200 100 vrid 7 interface eth1"],
  },
  engine: {
    summary:
      "What runs the directors. `engine keepalived`: keepalived does, from the keepalived.conf a commit writes on each director (at `config PATH`, default /etc/keepalived/keepalived.conf; an absolute path) and checks with `keepalived -t` before it reloads keepalived, which then owns the director's IPVS table and, with a `director pair`, the VIPs and their fail-over. `engine lvsh` (the default): lvsh runs the director's IPVS table itself with ipvsadm.",
    details: "Without a `director pair`, the one director is the `director` host. With one, pairs that share a vrid on one interface (IPv4 and IPv6 VIPs alike) must name the same two directors.",
    examples: ["engine keepalived", "engine keepalived config /etc/keepalived/lvsh.conf", "engine lvsh"],
  },
  sync: {
    summary:
      "IPVS connection sync between the two directors of a `director pair`, so that established connections survive a fail-over: keepalived's lvs_sync_daemon on IFACE (the MASTER sends, the BACKUP receives), with the sync id N (1..255, ipvsadm --syncid; default none: keepalived uses the VRRP router id). It needs `engine keepalived` and a `director pair`. `sync daemon off` ends it.",
    examples: ["sync daemon on eth1", "sync daemon on eth1 id 7", "sync daemon off"],
  },
  host: {
    summary:
      "Say how a host is reached. The director is local and a real server is `ssh root@ADDR` unless told otherwise; `via netns` runs on a network namespace of this machine (labs and tests).",
    examples: ["host director via netns lb", "host .2 via ssh admin@172.25.254.2:2222", "host web1 via ssh root@172.25.254.3"],
  },
  clear: {
    summary: "Empty the candidate. A script that begins with `clear` describes the whole balancer: what it does not name is removed at commit.",
    examples: ["clear"],
  },
  show: {
    summary: "Show the plan, the candidate, the running state, the history, the services or the hosts.",
    examples: ["show plan", "show candidate", "show diff", "show running"],
  },
  watch: {
    summary:
      "A live view of the services (or one): each real server's weight, active and inactive connections, connections/s, packets/s and bytes/s in and out, and its last minute of connections/s as a sparkline, read from the director every `interval` seconds (default 2). On a terminal the view is redrawn in place; `q` or Ctrl-C leaves. `~` marks a real server at weight 0, `!` one configured but not in the kernel. `count N` ends after N samples; `json` prints one JSON object per sample and line.",
    details: "After a `watch`, `show rs` has a sparkline column too.",
    examples: ["watch", "watch :80", "watch tcp 192.0.2.10:80 interval 1", "watch count 3 json"],
  },
  doctor: {
    summary:
      "Check every host of the committed configuration (or of the candidate: `doctor candidate`) at once, and say what breaks traffic: on the director, the VIPs bound, the IPVS table as configured, forwarding for NAT, each real server reachable, and who answers ARP for the VIPs; on each real server, the VIP bound, ARP hidden both ways (arptables DROP and mangle, or arp_ignore/arp_announce), tunl0 and rp_filter for tun, something listening on the port, and the default route through the director for NAT. Each finding names its host, a code, and the statement (or command) that fixes it. A VIP or a service narrows it; `json` prints the findings and every check run.",
    details: "From the command line: `lvsh doctor [candidate] [VIP|SERVICE] [--json]`, exit status 1 when there is an error finding.",
    examples: ["doctor", "doctor 172.25.254.10", "doctor :80", "doctor candidate", "doctor json"],
  },
  commit: {
    summary:
      "Apply the candidate: only the difference with the running state, undone if any step fails. Before the director adds a real server, a step on the real server's host checks it is ready (the VIP bound and hidden from ARP for dr/tun, tunl0 up for tun, something listening on the port), for the real servers lvsh reaches (`arp hide on rs`, or a `host` statement); one that is not fails the commit, which undoes everything. `force` commits anyway: over drift (changes made outside lvsh), and past a failed readiness check (a warning). `check` plans only; `confirmed` reverts unless confirmed in time (default 10m); `on director` applies the director's part only (what lvsh-restore.service does at boot, before the real servers can be reached).",
    examples: ["commit", "commit check", "commit force", "commit confirmed 5m comment \"new weights\"", "commit on director comment boot"],
  },
  confirm: { summary: "Keep a commit made with `commit confirmed`.", examples: ["confirm"] },
  rollback: { summary: "Make revision N (default: the one before the running one) the candidate; commit to apply it. Every revision is kept, or the last N with `revisions = N` in the state directory's settings file.", examples: ["rollback", "rollback 3"] },
  abort: { summary: "Discard the candidate's changes: back to the running configuration.", examples: ["abort"] },
  save: {
    summary:
      "Write the committed configuration where it survives a reboot: by default its lvsh source to /etc/lvsh/lvsh.conf and the systemd unit lvsh-restore.service that applies it at boot (`to DIR`: both into DIR); `format ipvsadm` writes what the distribution's ipvsadm service restores (`to /etc/sysconfig/ipvsadm` or `to /etc/ipvsadm.rules`). Each real server gets its part (ARP rules or sysctls, and the VIP) in its own files.",
    examples: ["save", "save to /tmp/lvsh-review", "save format ipvsadm to /etc/ipvsadm.rules"],
  },
  load: {
    summary: "Make a file's configuration the candidate, replacing it (like Junos `load override`); relative paths are from the current directory. `commit` applies it.",
    examples: ["load seed-dr.lvsh", "load /etc/lvsh/lvsh.conf"],
  },
  help: { summary: "Explain a statement, or list them all.", examples: ["help", "help service"] },
};

/** `help VALUE`, and the value list of grammar/README.md: from the slots table. */
export const valueHelp: Readonly<Record<string, string>> = Object.fromEntries(slots.map((s) => [s.placeholder, s.help]));
