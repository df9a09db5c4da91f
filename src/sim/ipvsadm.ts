/**
 * `ipvsadm` on a simulated host, failing where the kernel fails with
 * ipvsadm 1.31's messages and exit codes (255 for kernel refusals, 2 for
 * ipvsadm's own), and `-R` as it really behaves: it goes on after a failed
 * line, exits with the last line's status, and stops at a `#` line.
 */
import { destKeyOf, serviceKeyOf, type Dest, type IpvsService } from "../model/index.js";
import { formatIpvsadmList, formatIpvsadmSave, readTableLine, splitArgs, type ListOptions, type TableLine } from "../state/index.js";
import type { SimHost } from "./host.js";
import type { SimOut } from "./out.js";
import { out } from "./out.js";
import { destCounters, destRates, settleTraffic } from "./traffic.js";

const commandFlags: Record<string, string> = {
  "-A": "A", "--add-service": "A", "-E": "E", "--edit-service": "E", "-D": "D", "--delete-service": "D",
  "-a": "a", "--add-server": "a", "-e": "e", "--edit-server": "e", "-d": "d", "--delete-server": "d",
  "-C": "C", "--clear": "C", "-S": "S", "--save": "S", "-L": "L", "-l": "L", "--list": "L",
  "-R": "R", "--restore": "R", "-Z": "Z", "--zero": "Z", "-v": "v", "--version": "v",
};

const kernel = (msg: string): SimOut => out(255, "", `${msg}\n`);

function parseLine(words: string[]): TableLine | string {
  const args = splitArgs(words);
  if (!args.ok) return args.message;
  const line = readTableLine(args.value);
  return line.ok ? line.value : line.message;
}

// each service's and real server's key, once (an `-R` of 10,000 lines looks them up for every line)
const svcKeys = new WeakMap<IpvsService, string>();
const destKeys = new WeakMap<Dest, string>();
function svcKey(s: IpvsService): string {
  let k = svcKeys.get(s);
  if (k === undefined) svcKeys.set(s, (k = serviceKeyOf(s)));
  return k;
}
function destKey(d: Dest): string {
  let k = destKeys.get(d);
  if (k === undefined) destKeys.set(d, (k = destKeyOf(d)));
  return k;
}

function findService(h: SimHost, key: string): IpvsService | undefined {
  return h.ipvs.find((s) => svcKey(s) === key);
}

function replaceService(h: SimHost, key: string, f: (s: IpvsService) => IpvsService | null): void {
  const i = h.ipvs.findIndex((s) => svcKey(s) === key);
  if (i < 0) return;
  const n = f(h.ipvs[i]!);
  const out = [...h.ipvs];
  if (n) out[i] = n;
  else out.splice(i, 1);
  h.ipvs = out;
}

function serviceCommand(h: SimHost, cmd: string, line: Extract<TableLine, { kind: "service" }>): SimOut {
  const key = serviceKeyOf(line.id);
  const existing = findService(h, key);
  if (cmd === "D") {
    if (!existing) return kernel("Service not defined");
    replaceService(h, key, () => null);
    return out(0, "", "", true);
  }
  if (!h.schedulers.includes(line.attrs.scheduler) || (line.attrs.pe !== null && line.attrs.pe !== "sip")) {
    return kernel("Scheduler or persistence engine not found");
  }
  if (cmd === "A") {
    if (existing) return kernel("Service already exists");
    h.ipvs = [...h.ipvs, { ...line.id, ...line.attrs, dests: [] }];
  } else {
    if (!existing) return kernel("Service not defined");
    replaceService(h, key, (s) => ({ ...s, ...line.attrs }));
  }
  return out(0, "", "", true);
}

function destCommand(h: SimHost, cmd: string, line: Extract<TableLine, { kind: "dest" }>): SimOut {
  const key = serviceKeyOf(line.id);
  const svc = findService(h, key);
  if (!svc) return kernel("Service not defined");
  let d: Dest = line.dest;
  // ipvsadm sends a dr/tun real server the service's port
  if (svc.fwmark === null && d.method !== "nat") d = { ...d, port: svc.port };
  if (d.family !== svc.family && d.method !== "tun") return out(2, "", "ipvsadm: Different address family is allowed only for tunneling servers\n");
  if (d.lThreshold > d.uThreshold && cmd !== "d") return kernel("Numerical result out of range");
  const dkey = destKey(d);
  const existing = svc.dests.find((x) => destKey(x) === dkey);
  if (cmd === "a" && existing) return kernel("Destination already exists");
  if (cmd !== "a" && !existing) return kernel("No such destination");
  const dests = cmd === "a" ? [...svc.dests, d] : cmd === "e" ? svc.dests.map((x) => (destKey(x) === dkey ? d : x)) : svc.dests.filter((x) => destKey(x) !== dkey);
  replaceService(h, key, (s) => ({ ...s, dests }));
  return out(0, "", "", true);
}

/** One table command (-A -E -D -a -e -d) from its words, the command flag first. */
function tableCommand(h: SimHost, cmd: string, words: string[]): SimOut {
  // -D and -d name what to delete with the options of -A and -a
  const asAdd = cmd === "D" ? "-A" : cmd === "d" ? "-a" : cmd === "E" ? "-E" : cmd === "e" ? "-e" : `-${cmd}`;
  const line = parseLine([asAdd, ...words.slice(1)]);
  if (typeof line === "string") return out(2, "", `ipvsadm: ${line}\n`);
  return line.kind === "service" ? serviceCommand(h, cmd, line) : destCommand(h, cmd, line);
}

function restore(h: SimHost, stdin: string): SimOut {
  let code = 0;
  let stderr = "";
  let changed = false;
  for (const raw of stdin.split("\n")) {
    const words = raw.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    if (words[0]!.startsWith("#")) return out(255, "", stderr, changed);
    if (words[0] === "ipvsadm") words.shift();
    const cmd = commandFlags[words[0]!];
    const r = cmd && "AEDaed".includes(cmd) ? tableCommand(h, cmd, words) : out(2, "", `ipvsadm: unexpected line ${raw}\n`);
    stderr += r.stderr;
    code = r.code;
    changed ||= r.changed;
  }
  return out(code, "", stderr, changed);
}

/** The listing's counters from the host's synthetic traffic (sim/traffic.ts). */
function listOptions(h: SimHost, exact: boolean): ListOptions {
  const t = h.traffic;
  if (!t) return { exact };
  return {
    exact,
    figures: (s, d) => {
      const r = destRates(s, d, t);
      const c = destCounters(s, d, t);
      return { active: r.active, inactive: r.inactive, stats: [c.conns, c.inPkts, c.outPkts, c.inBytes, c.outBytes], rate: [r.cps, r.inPps, r.outPps, r.inBps, r.outBps] };
    },
  };
}

/** `now`: the clock the synthetic traffic is counted by (epoch ms). */
export function simIpvsadm(h: SimHost, args: readonly string[], stdin: string | undefined, now = Date.now()): SimOut {
  // what flowed until now was at the weights in force until now
  if (h.traffic) settleTraffic(h.ipvs, h.traffic, now);
  // combined short flags, as in `ipvsadm -Sn` or `-Ln`
  const words = args.flatMap((w) => (/^-[SLlnCZRv]{2,}$/.test(w) ? [...w.slice(1)].map((c) => `-${c}`) : [w]));
  const cmdIdx = words.findIndex((w) => commandFlags[w] !== undefined);
  const cmd = cmdIdx < 0 ? "L" : commandFlags[words[cmdIdx]!]!;
  const rest = cmdIdx < 0 ? words : [words[cmdIdx]!, ...words.slice(0, cmdIdx), ...words.slice(cmdIdx + 1)];
  switch (cmd) {
    case "v":
      return out(0, "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n", "");
    case "C":
      h.ipvs = [];
      return out(0, "", "", true);
    case "Z":
      if (!h.traffic) return out(0, "", "");
      h.traffic.counters = {};
      return out(0, "", "", true);
    case "S":
      return out(0, formatIpvsadmSave(h.ipvs), "");
    case "L": {
      const mode = rest.includes("--thresholds") ? "thresholds" : rest.includes("--stats") ? "stats" : rest.includes("--rate") ? "rate" : "list";
      return out(0, formatIpvsadmList(h.ipvs, mode, listOptions(h, rest.includes("--exact") || rest.includes("-X"))), "");
    }
    case "R":
      return restore(h, stdin ?? "");
    default:
      return tableCommand(h, cmd, rest);
  }
}
