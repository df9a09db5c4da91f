/**
 * What the desired state asks of the hosts that their running state says
 * they cannot do, found before any step runs: an address on an interface
 * the host does not have (`vip ... on eht0`). Pure: the running state is
 * what the state readers read.
 */
import { didYouMean, error, type Diagnostic } from "../lang/index.js";
import type { Desired, State } from "../model/index.js";
import { keepalivedInterfaces } from "./keepalived.js";

export function preflight(running: State, desired: Desired): Diagnostic[] {
  const out: Diagnostic[] = [];
  const said = new Set<string>();
  for (const [host, want] of Object.entries(desired.state.hosts)) {
    const have = running.hosts[host]?.links;
    // an unread host has no links: its reader already said why
    if (!have || !Object.keys(have).length) continue;
    const names = Object.keys(have);
    for (const a of want.addrs) {
      // links lvsh brings up itself (tunl0 with the ipip module) are the plan's to make
      if (a.dev in have || want.links?.[a.dev] !== undefined) continue;
      const key = `${host} ${a.dev}`;
      if (said.has(key)) continue;
      said.add(key);
      const guess = didYouMean(a.dev, names);
      out.push(
        error("unknown-interface", `${host} has no interface ${a.dev} (it has ${names.join(", ")}): ${a.addr} cannot be bound there`, a.span, {
          hint: guess ?? `name one of ${host}'s interfaces`,
        }),
      );
    }
    // the interfaces keepalived's file names there: its VRRP instances, its VIPs, the sync daemon
    const k = want.keepalived;
    for (const [dev, what] of k?.text ? keepalivedInterfaces(k.text) : []) {
      if (dev in have) continue;
      const key = `${host} ${dev}`;
      if (said.has(key)) continue;
      said.add(key);
      const guess = didYouMean(dev, names);
      out.push(
        error("unknown-interface", `${host} has no interface ${dev} (it has ${names.join(", ")}): keepalived's file names it for ${what}, and keepalived -t would reject it`, k!.span, {
          hint: guess ?? `name one of ${host}'s interfaces (\`director pair ... interface IFACE\`, \`sync daemon on IFACE\`)`,
        }),
      );
    }
  }
  return out;
}
