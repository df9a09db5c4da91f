/**
 * Scheduler flags (ipvsadm -b). The kernel keeps three bits; ipvsadm names
 * bits 1 and 2 `sh-fallback`/`sh-port` for sh, `mh-fallback`/`mh-port` for
 * mh, and `flag-1`..`flag-3` for every other scheduler, always printed in
 * bit order (print_sched_flags in ipvsadm.c).
 */
import { schedulerFlags } from "../lang/index.js";
import { fail, ok, type Res } from "./problem.js";

/** The bit (1..3) of a flag name, or null for an unknown name. */
function bitOf(name: string): number | null {
  const generic = /^flag-([123])$/.exec(name);
  if (generic) return Number(generic[1]);
  if (!Object.hasOwn(schedulerFlags, name)) return null;
  return name.endsWith("-fallback") ? 1 : 2;
}

function namesOf(scheduler: string, bits: ReadonlySet<number>): string[] {
  const named = scheduler === "sh" || scheduler === "mh";
  const out: string[] = [];
  for (const bit of [1, 2, 3]) {
    if (!bits.has(bit)) continue;
    if (!named) out.push(`flag-${bit}`);
    else if (bit < 3) out.push(`${scheduler}-${bit === 1 ? "fallback" : "port"}`);
  }
  return out;
}

/** `-b a,b` for a scheduler: the canonical names, or why ipvsadm refuses them. */
export function parseSchedFlags(scheduler: string, text: string): Res<string[]> {
  const bits = new Set<number>();
  for (const name of text.split(",")) {
    const bit = bitOf(name);
    if (bit === null) return fail(`invalid scheduler flag \`${name}\``);
    const owner = schedulerFlags[name];
    if (owner !== undefined && owner !== scheduler) return fail(`scheduler flag \`${name}\` is for ${owner}, not ${scheduler}`);
    bits.add(bit);
  }
  return ok(namesOf(scheduler, bits));
}

/** The flags as the kernel holds and ipvsadm prints them (names for the scheduler, bit order). */
export function canonicalSchedFlags(scheduler: string, names: readonly string[]): string[] {
  const bits = new Set<number>();
  for (const n of names) {
    const bit = bitOf(n);
    if (bit !== null) bits.add(bit);
  }
  return namesOf(scheduler, bits);
}
