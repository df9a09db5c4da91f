/**
 * Changes -> commands (argv arrays, never shell strings), each with the
 * command that undoes it. What is emitted is what `ipvsadm -Sn`,
 * `arptables-save` and `ip addr` print back, so a re-read compares equal.
 */
import { formatAddrPort, prefixToNetmask, printDuration } from "../lang/index.js";
import { arpRuleArgs, serviceArgs, type Dest, type ReadyCheck } from "../model/index.js";
import type { Change, DrainWait, Element } from "./types.js";
import { keepalivedInstall, keepalivedStop, restartNeeded } from "./keepalived.js";

type Svc = Extract<Element, { kind: "service" }>["value"];

export function serviceSpecArgs(s: Svc): string[] {
  const out = ["-s", s.scheduler];
  if (s.persistence !== null) {
    out.push("-p", String(s.persistence));
    if (s.netmask !== (s.family === 4 ? 32 : 128)) out.push("-M", s.family === 4 ? prefixToNetmask(s.netmask) : String(s.netmask));
  }
  if (s.pe) out.push("--pe", s.pe);
  if (s.onePacket) out.push("-o");
  if (s.flags.length) out.push("-b", orderFlags(s.flags).join(","));
  return out;
}

/** ipvsadm prints sh-fallback before sh-port (and mh likewise). */
function orderFlags(flags: readonly string[]): string[] {
  return [...flags].sort((a, b) => Number(a.endsWith("-port")) - Number(b.endsWith("-port")));
}

const methodFlag = { dr: "-g", nat: "-m", tun: "-i" } as const;

/** serviceArgs, once per service object (a service has many destinations). */
const svcArgsCache = new WeakMap<object, string[]>();
function svcArgs(s: Svc): string[] {
  let a = svcArgsCache.get(s);
  if (!a) {
    a = serviceArgs(s);
    svcArgsCache.set(s, a);
  }
  return a;
}

export function destSpecArgs(d: Dest): string[] {
  const out = [methodFlag[d.method], "-w", String(d.weight)];
  if (d.uThreshold) out.push("-x", String(d.uThreshold));
  if (d.lThreshold) out.push("-y", String(d.lThreshold));
  if (d.method === "tun" && d.tunType && d.tunType !== "ipip") {
    out.push("--tun-type", d.tunType);
    if (d.tunType === "gue") out.push("--tun-port", String(d.tunPort ?? 0));
    out.push(`--tun-${d.tunCsum ?? "nocsum"}`);
  }
  return out;
}

function destAddrArg(d: Dest): string {
  return formatAddrPort(d.addr, d.port);
}

/** The command that makes an element exist (or updates it to this value); `restart`: keepalived restarted, not reloaded. */
function setCommand(e: Element, update: boolean, restart = false): string[] {
  switch (e.kind) {
    case "service":
      return ["ipvsadm", update ? "-E" : "-A", ...serviceArgs(e.value), ...serviceSpecArgs(e.value)];
    case "dest": {
      // pushed, not spread: 10,000 real servers come through here
      const out = ["ipvsadm", update ? "-e" : "-a"];
      for (const a of svcArgs(e.service)) out.push(a);
      out.push("-r", destAddrArg(e.value));
      for (const a of destSpecArgs(e.value)) out.push(a);
      return out;
    }
    case "addr":
      return ["ip", "addr", "add", `${e.value.addr}/${e.value.prefix}`, "dev", e.value.dev];
    case "arp":
      return ["arptables", "-A", e.value.chain, ...arpRuleArgs(e.value)];
    case "sysctl":
      return ["sysctl", "-q", "-w", `${e.key}=${e.value}`];
    case "link":
      return ["ip", "link", "set", e.name, e.up ? "up" : "down"];
    case "keepalived":
      // its file, and keepalived running with it (or stopped, when it did not run)
      return keepalivedInstall(e.value, undefined, restart);
  }
}

/** The command that makes an element go away; null for a sysctl (it is set back instead). */
function removeCommand(e: Element): string[] | null {
  switch (e.kind) {
    case "service":
      return ["ipvsadm", "-D", ...serviceArgs(e.value)];
    case "dest": {
      const out = ["ipvsadm", "-d"];
      for (const a of svcArgs(e.service)) out.push(a);
      out.push("-r", destAddrArg(e.value));
      return out;
    }
    case "addr":
      return ["ip", "addr", "del", `${e.value.addr}/${e.value.prefix}`, "dev", e.value.dev];
    case "arp":
      return ["arptables", "-D", e.value.chain, ...arpRuleArgs(e.value)];
    case "sysctl":
    case "link":
      return null;
    case "keepalived":
      return keepalivedStop(e.value.path);
  }
}

export interface CommandPair {
  readonly argv: string[];
  readonly undo: string[] | null;
  readonly undoReason?: string;
  /** True for the removing half of a change. */
  readonly removing: boolean;
}

/**
 * A drain of a real server (the change deletes it, or sets its weight to
 * 0): weight 0 at once (undo: the weight it had), then the wait, then the
 * change itself when it deletes.
 */
export function drainCommands(c: Change, weight: number, timeout: number, force: boolean): { weight0: CommandPair | undefined; wait: { argv: string[]; wait: DrainWait }; rest: CommandPair[] } {
  const el = (c.before ?? c.after) as Extract<Element, { kind: "dest" }>;
  const before = { ...el, value: { ...el.value, weight } };
  const zero = { ...el, value: { ...el.value, weight: 0 } };
  const dest = destAddrArg(el.value);
  const service = svcArgs(el.service);
  const wait: DrainWait = { service, dest, timeout, force };
  // the same wait for a shell: ActiveConn is the fifth field of the real server's line of `ipvsadm -Ln`
  const script = `t=${timeout}; while :; do a=$(ipvsadm -Ln ${service.join(" ")} | awk '$2 == "${dest}" { print $5 }'); [ "\${a:-0}" -eq 0 ] && exit 0; [ $t -le 0 ] && { echo "${dest} still has $a active connections after ${printDuration(timeout)}" >&2; exit ${force ? 0 : 1}; }; sleep 1; t=$((t - 1)); done`;
  if (c.action === "delete") {
    return { weight0: { argv: setCommand(zero, true), undo: setCommand(before, true), removing: false }, wait: { argv: ["sh", "-c", script], wait }, rest: commandsFor(c) };
  }
  // then keep: the update (to weight 0) is the change itself
  return { weight0: undefined, wait: { argv: ["sh", "-c", script], wait }, rest: commandsFor(c) };
}

/** The commands of a change, in the order they run (a replace removes, then adds). */
export function commandsFor(c: Change): CommandPair[] {
  switch (c.action) {
    case "create":
      return [{ argv: setCommand(c.after!, false), undo: removeCommand(c.after!), removing: false }];
    case "delete":
      return [{ argv: removeCommand(c.before!)!, undo: setCommand(c.before!, false), removing: true }];
    case "replace":
      return [
        { argv: removeCommand(c.before!)!, undo: setCommand(c.before!, false), removing: true },
        { argv: setCommand(c.after!, false), undo: removeCommand(c.after!), removing: false },
      ];
    case "update": {
      const before = c.before!;
      if (before.kind === "sysctl" && before.value === null) {
        return [{ argv: setCommand(c.after!, true), undo: null, undoReason: "the value before was not read", removing: false }];
      }
      if (before.kind === "link" && before.up === null) {
        return [{ argv: setCommand(c.after!, true), undo: null, undoReason: `${before.name} does not exist${before.name === "tunl0" ? " (load the ipip module: modprobe ipip)" : ""}`, removing: false }];
      }
      if (before.kind === "keepalived" && c.after?.kind === "keepalived") {
        const restart = !!restartNeeded(before.value.text, c.after.value.text ?? "");
        return [{ argv: setCommand(c.after, true, restart), undo: keepalivedInstall(before.value, 0, restart), removing: false }];
      }
      return [{ argv: setCommand(c.after!, true), undo: setCommand(before, true), removing: false }];
    }
  }
}

/** What a readiness check looks at, in the plan's words: `VIP bound, ARP hidden, port 80 listening`. */
export function readyWhat(r: ReadyCheck): string {
  const parts: string[] = [];
  if (r.method !== "nat" && r.vip) {
    parts.push("VIP bound");
    if (r.family === 4) parts.push("ARP hidden");
    if (r.method === "tun") parts.push("tunl0 up");
  }
  if (r.listen) parts.push(`${r.listen === "udp" ? "udp " : ""}port ${r.port} listening`);
  return parts.join(", ");
}

/**
 * The readiness check for a shell (what `--dry-run`, exports and `show plan
 * commands` print): read-only, exits 1 saying what is missing. The commit
 * itself reads the host and applies doctor's checks (more exact: arp_ignore
 * per link, the address a socket is bound to).
 */
export function readyCommand(r: ReadyCheck): string[] {
  const lines: string[] = [];
  const fail = (what: string) => `{ echo "${r.addr} is not ready: ${what}" >&2; exit 1; }`;
  if (r.method !== "nat" && r.vip) {
    lines.push(`ip -o addr show | grep -q " inet${r.family === 6 ? "6" : ""} ${r.vip}/" || ${fail(`${r.vip} is not bound`)}`);
    if (r.family === 4) {
      lines.push(
        // arptables-save prints `-d VIP -j DROP`, the nft build `-j DROP -d VIP`
        `{ arptables-save 2>/dev/null | grep -E -- "-d ${r.vip.replace(/\./g, "\\.")}( |$)" | grep -q -- "-j DROP" || [ "$(sysctl -n net.ipv4.conf.all.arp_ignore)" -ge 1 ]; } || ${fail(`it answers ARP for ${r.vip}`)}`,
      );
    }
    if (r.method === "tun") lines.push(`ip -o link show tunl0 | grep -q "[<,]UP[,>]" || ${fail("tunl0 is down")}`);
  }
  if (r.listen) {
    const at = r.method === "nat" || !r.vip ? r.addr : r.vip;
    const ep = at.includes(":") ? `[${at}]:${r.port}` : `${at}:${r.port}`;
    // on that address or every address (0.0.0.0, [::], *), as the commit's own check counts it
    const addr = at.includes(":") ? `\\[${at}\\]` : at.replace(/\./g, "\\.");
    lines.push(`ss -Hln${r.listen === "udp" ? "u" : "t"} "sport = :${r.port}" | grep -Eq " (${addr}|0\\.0\\.0\\.0|\\[::\\]|\\*)(%[^ :]+)?:${r.port} " || ${fail(`nothing listens on ${r.listen} ${ep}`)}`);
  }
  return ["sh", "-c", lines.join("; ")];
}
