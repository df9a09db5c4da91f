/**
 * The simulated target: each host's state lives in a JSON file under the
 * state directory, and the generated commands act on it as on a real
 * kernel — failing where the real tools fail, dumping in the real tools'
 * save formats, so that the same readers parse it (knftables' Fake).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { nowMs, readJson, writeJsonAtomic } from "../util/index.js";
import { runInOrder, type Command, type ExecResult, type Executor, type ManyOptions, type RunOptions } from "../exec/index.js";
import { simArptables, simArptablesSave } from "./arptables.js";
import { newSimHost, simHostProblem, type SimHost } from "./host.js";
import { simIp } from "./ip.js";
import { simFileCommand, simSystemctl } from "./files.js";
import { simIpvsadm } from "./ipvsadm.js";
import { out, type SimOut } from "./out.js";
import { simSysctl } from "./sysctl.js";
import { simKeepalived } from "./keepalived.js";

/** `ss -Hlntu` (what `doctor` runs): the host's listening sockets in ss's columns. */
function simSs(h: SimHost, args: readonly string[]): SimOut {
  const flags = args.filter((a) => a.startsWith("-")).join("");
  // what a simulated host runs is not modelled unless its file says: the checks that need it are skipped, not passed
  if (!h.listen) return out(1, "", "sim: what this simulated host listens on is not modelled (give it `listen` in its host file)\n");
  const listen = h.listen;
  const lines = listen
    .map((l) => l.split(" ") as [string, string])
    .filter(([proto]) => (proto === "tcp" ? flags.includes("t") : flags.includes("u")))
    .map(([proto, ep]) => `${proto.padEnd(5)} ${proto === "tcp" ? "LISTEN" : "UNCONN"} 0      4096   ${ep.padEnd(20)} ${ep.startsWith("[") ? "[::]:*" : "0.0.0.0:*"}`);
  return out(0, lines.map((l) => `${l}\n`).join(""), "");
}

/** Runs one command on a simulated host (pure apart from mutating `h`); `now` counts the synthetic traffic. */
export function simRun(h: SimHost, argv: readonly string[], stdin?: string, now = Date.now()): SimOut {
  const [cmd, ...args] = argv;
  const name = (cmd ?? "").replace(/^.*\//, "");
  switch (name) {
    case "ipvsadm":
      return simIpvsadm(h, args, stdin, now);
    case "ip":
      return simIp(h, args);
    case "arptables":
    case "arptables-legacy":
    case "arptables-nft":
      return simArptables(h, args);
    case "arptables-save":
    case "arptables-legacy-save":
    case "arptables-nft-save":
      return simArptablesSave(h);
    case "sysctl":
      return simSysctl(h, args);
    case "modprobe": {
      const mod = args.find((a) => !a.startsWith("-")) ?? "";
      const sched = mod.replace(/^ip_vs_/, "");
      return mod === "ip_vs" || h.schedulers.includes(sched) || mod === "ipip" ? out(0, "", "") : out(1, "", `modprobe: FATAL: Module ${mod} not found in directory /lib/modules/6.1.0-sim\n`);
    }
    case "mkdir":
    case "tee":
    case "mv":
    case "cp":
    case "rm":
    case "test":
    case "cat":
      return simFileCommand(h, name, args, stdin);
    case "systemctl":
      return simSystemctl(h, args);
    case "ss":
      return simSs(h, args);
    case "sh":
      return simKeepalived(h, argv) ?? out(127, "", "sim: sh: only lvsh's keepalived commands are modelled\n");
    case "true":
      return out(0, "", "");
    case "uname":
      return out(0, "6.1.0-sim\n", "");
    default:
      return out(127, "", `sim: ${cmd}: command not found\n`);
  }
}

export class SimExecutor implements Executor {
  readonly describe = "simulated";
  private readonly file: string;

  /**
   * `machine` names the simulated machine (default: the host's name): how a
   * host is reached decides which machine it is (simMachine), as for real.
   */
  constructor(
    readonly host: string,
    dir: string,
    machine: string = host,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, `${machine.replace(/[^A-Za-z0-9_.-]/g, "_")}.json`);
  }

  /** The host's state, read fresh from its file (another lvsh may have changed it). */
  load(): SimHost {
    const raw = readJson<unknown>(this.file);
    if (raw === undefined) return newSimHost(this.host);
    const problem = simHostProblem(raw);
    if (problem) throw new Error(`${this.file}: ${problem}`);
    return raw as SimHost;
  }

  /** Changes the host's state file outside any command (synthetic traffic: sim/traffic.ts). */
  update(change: (h: SimHost) => void): void {
    const h = this.load();
    change(h);
    writeJsonAtomic(this.file, h, { durable: false });
  }

  async run(argv: readonly string[], opts?: RunOptions): Promise<ExecResult> {
    const t0 = nowMs();
    let h: SimHost;
    try {
      h = this.load();
    } catch (e) {
      // a broken host file is a host that cannot be reached
      return { exitCode: 255, stdout: "", stderr: `simulated host ${this.host} is unreadable: ${(e as Error).message}\n`, ms: nowMs() - t0 };
    }
    const r = simRun(h, argv, opts?.stdin);
    if (r.changed) writeJsonAtomic(this.file, h, { durable: false });
    return { exitCode: r.code, stdout: r.stdout, stderr: r.stderr, ms: nowMs() - t0 };
  }

  runMany(cmds: readonly (readonly string[] | Command)[], opts?: ManyOptions): Promise<ExecResult[]> {
    return runInOrder(this, cmds, opts);
  }

  async close(): Promise<void> {}
}
