/**
 * Which target a session works on. Real hosts (`local`) when lvsh runs as
 * root on a director with IPVS (/proc/net/ip_vs, or `modprobe ip_vs`
 * works); otherwise the simulated target, and the banner says so.
 */
import { existsSync } from "node:fs";
import { runLocal, type Target } from "../exec/index.js";

export interface TargetChoice {
  readonly target: Target;
  /** Why, for the banner. */
  readonly why: string;
}

export async function chooseTarget(forced: Target | undefined): Promise<TargetChoice> {
  if (forced === "sim") return { target: "sim", why: "--sim" };
  if (forced === "local") return { target: "local", why: "--target local" };
  if (process.getuid?.() !== 0) return { target: "sim", why: "not root" };
  if (existsSync("/proc/net/ip_vs")) return { target: "local", why: "root, IPVS present" };
  const r = await runLocal(["modprobe", "ip_vs"]);
  if (r.exitCode === 0 && existsSync("/proc/net/ip_vs")) return { target: "local", why: "root, IPVS loaded" };
  return { target: "sim", why: "this kernel has no IPVS" };
}
