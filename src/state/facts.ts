/**
 * A host's facts for `doctor` and for a commit's readiness check of a real
 * server: the commands (one round trip), and their outputs -> what the pure
 * checks (plan/doctor.ts) hold against the configuration. A part that could
 * not be read is `{ skipped: why }`, never a guess.
 */
import type { ExecResult } from "../exec/index.js";
import type { HostFacts, Skipped } from "../plan/index.js";
import { parseArptablesSave } from "./arptables.js";
import { parseIpAddrJson, parseIpLinkJson } from "./ip.js";
import { parseIpRouteJson } from "./route.js";
import { parseSsListen } from "./ss.js";
import { parseSysctl } from "./sysctl.js";

/**
 * The sysctls the checks look at: a pattern (`sysctl -r`) over the subtrees
 * and keys of FACT_SYSCTL_KEYS (`sysctl net.ipv4.conf` lists that subtree,
 * every interface's, without walking all of /proc/sys as `-a` does: seconds
 * in a slow guest).
 */
export const FACT_SYSCTL_KEYS = ["net.ipv4.conf", "net.ipv4.ip_forward", "net.ipv4.vs.conntrack", "net.ipv4.vs.expire_nodest_conn", "net.ipv6.conf.all.forwarding", "net.netfilter.nf_conntrack_max"];
export const FACT_SYSCTLS =
  "^net\\.ipv4\\.(conf\\.[^.]+\\.(arp_ignore|arp_announce|rp_filter)|ip_forward|vs\\.(conntrack|expire_nodest_conn))$|^net\\.ipv6\\.conf\\.all\\.forwarding$|^net\\.netfilter\\.nf_conntrack_max$";

export interface FactsSpec {
  /** Read the ARP rules (`arptables-save`). */
  readonly arp: boolean;
  /** Read the listening sockets (`ss -Hlntu`). */
  readonly listen: boolean;
  /** Read the routes (`ip -j route show`, and IPv6's). */
  readonly routes: boolean;
}

/** The commands that read a host's facts: addresses and links, sysctls, then what the spec asks. */
export function factCommands(spec: FactsSpec): string[][] {
  const cmds: string[][] = [
    ["ip", "-j", "addr", "show"],
    ["sysctl", "-e", "-r", FACT_SYSCTLS, ...FACT_SYSCTL_KEYS],
  ];
  if (spec.arp) cmds.push(["arptables-save"]);
  if (spec.listen) cmds.push(["ss", "-Hlntu"]);
  if (spec.routes) cmds.push(["ip", "-j", "route", "show"], ["ip", "-j", "-6", "route", "show"]);
  return cmds;
}

/** Why a command's part of the facts is missing. */
export function skippedBy(cmd: string, r: ExecResult): Skipped {
  const text = (r.stderr || r.stdout).trim().split("\n")[0] ?? "";
  return { skipped: `\`${cmd}\` failed: ${r.exitCode === 127 && !text ? "command not found" : text || `exit status ${r.exitCode}`}` };
}

/** A part of the facts: parsed, or why not (undefined: not asked). */
export function factPart<T>(cmd: string, r: ExecResult | undefined, parse: (text: string) => T): T | Skipped | undefined {
  if (!r) return undefined;
  if (r.exitCode !== 0) return skippedBy(cmd, r);
  try {
    return parse(r.stdout);
  } catch (e) {
    return { skipped: `\`${cmd}\`: ${(e as Error).message}` };
  }
}

/** The result of the first command named `name` with all of `more` among its arguments. */
export function resultOf(cmds: readonly (readonly string[])[], results: readonly ExecResult[], name: string, ...more: string[]): ExecResult | undefined {
  const i = cmds.findIndex((c) => c[0] === name && more.every((m) => c.includes(m)));
  return i < 0 ? undefined : results[i];
}

/** The facts from what factCommands' commands printed (`cmds` may hold more commands: the director's). */
export function parseFacts(cmds: readonly (readonly string[])[], results: readonly ExecResult[], via: string): { -readonly [K in keyof HostFacts]: HostFacts[K] } {
  const at = (name: string, ...more: string[]) => resultOf(cmds, results, name, ...more);
  const ipAddr = at("ip", "addr");
  if (!ipAddr || ipAddr.exitCode !== 0) {
    const why = ipAddr ? skippedBy("ip -j addr show", ipAddr).skipped.replace(/^`[^`]*` failed: /, "") : "not read";
    return { via, unreadable: why, addrs: [], links: [], sysctls: {} };
  }
  let addrs, links;
  try {
    addrs = parseIpAddrJson(ipAddr.stdout);
    links = parseIpLinkJson(ipAddr.stdout, "ip -j addr show");
  } catch (e) {
    return { via, unreadable: (e as Error).message, addrs: [], links: [], sysctls: {} };
  }
  // sysctl -e exits 255 for keys this kernel lacks: what it printed still counts; anything else
  // (busybox's sysctl has no -r) leaves the checks that need them skipped, never guessed
  const sys = at("sysctl");
  const sysOk = !!sys && (sys.exitCode === 0 || sys.exitCode === 255) && sys.stdout.trim() !== "";
  const sysctls = sysOk ? parseSysctl(sys!.stdout) : {};
  const facts: { -readonly [K in keyof HostFacts]: HostFacts[K] } = { via, addrs, links, sysctls, ...(sysOk || !sys ? {} : { sysctlsSkipped: skippedBy("sysctl -r ...", sys).skipped }) };
  const arp = factPart("arptables-save", at("arptables-save"), (t) => parseArptablesSave(t).rules);
  if (arp) facts.arp = arp;
  const listen = factPart("ss -Hlntu", at("ss"), (t) => parseSsListen(t).listeners);
  if (listen) facts.listen = listen;
  const i4 = cmds.findIndex((c) => c[0] === "ip" && c.includes("route") && !c.includes("-6"));
  if (i4 >= 0) {
    const v4 = factPart("ip -j route show", results[i4], (t) => parseIpRouteJson(t));
    const v6 = factPart("ip -j -6 route show", at("ip", "-6"), (t) => parseIpRouteJson(t, "ip -j -6 route show"));
    if (v4 && "skipped" in v4) facts.routes = v4;
    else if (v4) facts.routes = [...v4, ...(v6 && !("skipped" in v6) ? v6 : [])];
  }
  return facts;
}
