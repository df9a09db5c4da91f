/**
 * Every diagnostic code lvsh reports, with what it means. Codes are stable:
 * tests and tools match on them, never on the prose. A test checks that
 * each one is exercised.
 */
export const diagnosticCodes = {
  // lexing and syntax
  "invalid-character": "a character that cannot start any word",
  "unterminated-string": "a string without its closing quote",
  "unknown-statement": "the first word is not a statement",
  "incomplete-statement": "the statement ends before something it needs",
  "unexpected-word": "a word where it cannot stand",
  "duplicate-option": "an option given twice in one statement",
  "duplicate-rs": "a real server named twice in one statement",
  // values
  "invalid-address": "not an IP address or `.N` shorthand",
  "invalid-prefix": "a prefix length out of range",
  "invalid-port": "a port out of range (0 only for fwmark or persistent services)",
  "missing-port": "a service address without a port",
  "missing-address": "a bare number where a service address is expected",
  "invalid-fwmark": "a firewall mark out of range",
  "invalid-weight": "a weight outside 0..65535",
  "invalid-threshold": "a connection threshold out of range",
  "invalid-persistence": "a persistence timeout outside 1 s..31 days",
  "invalid-netmask": "not a netmask, or too long for the family",
  "invalid-interface": "not a valid Linux interface name",
  "invalid-ssh-target": "an ssh target that is not a plain [USER@]HOST[:PORT]",
  "invalid-netns": "a namespace name that is not plain",
  "invalid-host": "neither an address nor a plain host name",
  "invalid-duration": "not a duration, or out of range",
  "unknown-scheduler": "a misspelt scheduler",
  "unknown-method": "a misspelt forwarding method",
  "unknown-protocol": "a misspelt protocol",
  "unknown-tunnel-type": "a misspelt tunnel type",
  "unknown-arp-method": "a misspelt ARP hiding method",
  "unknown-flag": "an unknown scheduler flag",
  "unknown-topic": "help on something that does not exist",
  // context and references
  "no-vip": "shorthand, a service or ARP hiding with no current VIP",
  "no-service": "real servers with no current service",
  "shorthand-ipv6": "`.N` shorthand with an IPv6 VIP",
  "unknown-rs": "`set rs` on a real server the service does not have",
  "unknown-service": "`use service` of a service that does not exist",
  "unknown-vip": "`use vip` of a VIP that does not exist",
  "not-found": "deleting what is not there (a warning)",
  // what ipvsadm or the kernel would refuse
  "rs-port-mismatch": "a dr/tun real server on another port than its service",
  "family-mismatch": "an IPv4 real server in an IPv6 service (or back), not tunnelled",
  "rs-is-vip": "a real server whose address is the service's",
  "tun-option-needs-tun": "tunnel options on a real server that is not `tun`",
  "tun-option-invalid": "a tunnel option its tunnel type does not take",
  "gue-needs-port": "a gue tunnel without its port",
  "threshold-order": "a lower threshold above the upper one",
  "flag-scheduler-mismatch": "a scheduler flag of another scheduler",
  "one-packet-needs-udp": "one-packet scheduling on a TCP or SCTP service",
  "netmask-needs-persistent": "a persistence netmask without persistence",
  "arp-hide-ipv6": "ARP hiding on an IPv6 VIP",
  "arp-hide-no-rs": "ARP hiding with no dr/tun real server to hide on",
  // warnings: accepted, but likely wrong
  "dr-without-arp-hide": "dr real servers that may answer ARP for the VIP",
  "nat-other-subnet": "a NAT real server outside the VIP's subnet",
  "service-without-rs": "a service with no real servers",
  "pe-without-persistence": "a persistence engine without persistence",
  "unused-host": "a `host` that is neither the director nor a real server",
  // session and commit
  "not-available": "a statement this version cannot carry out yet",
  "host-unreadable": "a host whose running state could not be read (unreachable, tool missing, not allowed)",
  "running-drift": "the running state differs from the last committed revision",
  "commit-refused": "a commit that did not start (lock held, drift, no terminal to ask, stale plan)",
  "precheck-failed": "a commit stopped before its first step (a host, a tool or a scheduler missing)",
  "commit-failed": "a step failed; what ran was undone",
  "rollback-incomplete": "after a failure, the hosts could not be brought back exactly",
  "unknown-revision": "a revision that does not exist",
  "nothing-pending": "`confirm` with no commit waiting for confirmation",
  "dry-run": "a commit in a dry run: nothing was applied",
} as const;

export type DiagnosticCode = keyof typeof diagnosticCodes;
