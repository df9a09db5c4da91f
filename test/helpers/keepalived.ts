/**
 * `keepalived -t -f FILE` (Debian package `keepalived`): checks a
 * configuration and prints what it warns about. It also checks that the
 * VRRP interfaces exist, so as root it runs in a network namespace of its
 * own with an `eth0` (a veth) (the interface the tests' files name); otherwise
 * on this machine, which then needs an eth0.
 */
import { existsSync } from "node:fs";
import { run, type Run } from "./netns.js";

let ns: string | undefined;
let reason: string | undefined | null = null;

function tryNetns(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = `lvshka${process.pid}`;
  if (run(["ip", "netns", "add", name]).code !== 0) return undefined;
  // a veth pair inside the namespace: the dummy module is not in every kernel
  if (run(["ip", "-n", name, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p"]).code !== 0) {
    run(["ip", "netns", "del", name]);
    return undefined;
  }
  return name;
}

/** Why the keepalived tests cannot run here, or undefined when they can. */
export function keepalivedUnavailable(): string | undefined {
  if (reason !== null) return reason;
  if (run(["sh", "-c", "command -v keepalived"]).code !== 0) reason = "keepalived is not installed (Debian package `keepalived`)";
  else {
    ns = tryNetns();
    reason = ns || existsSync("/sys/class/net/eth0") ? undefined : "keepalived -t needs an eth0: not root (no namespace with an eth0) and this machine has none";
  }
  return reason;
}

/** `keepalived -t -f FILE`: exit status and everything it printed. */
export function keepalivedCheck(file: string): Run {
  const argv = ["keepalived", "-t", "-f", file];
  return run(ns ? ["ip", "netns", "exec", ns, ...argv] : argv);
}

/** Removes the namespace (call it in afterAll); true when nothing is left behind. */
export function keepalivedCleanup(): boolean {
  if (ns) run(["ip", "netns", "del", ns]);
  const left = ns !== undefined && run(["ip", "netns", "list"]).out.split("\n").some((l) => l.split(" ")[0] === ns);
  ns = undefined;
  reason = null;
  return !left;
}
