/**
 * The answers `arping` (iputils or busybox) prints, as
 * `Unicast reply from 192.0.2.10 [02:00:00:00:00:01]  0.613ms`: who answers
 * ARP for an address. iputils prints the MAC in capitals, busybox in small.
 */
export interface ArpAnswer {
  readonly addr: string;
  readonly mac: string;
}

export function parseArping(text: string): ArpAnswer[] {
  const out: ArpAnswer[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(/reply from (\S+) \[([0-9A-Fa-f:]{11,17})\]/g)) {
    const a = { addr: m[1]!, mac: m[2]!.toLowerCase() };
    if (seen.has(`${a.addr} ${a.mac}`)) continue;
    seen.add(`${a.addr} ${a.mac}`);
    out.push(a);
  }
  return out;
}
