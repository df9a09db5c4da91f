/** Changes in the user's words (display only). */
import { destKeyOf, serviceKeyOf, serviceOptions, type Dest } from "../model/index.js";
import type { Action, Element } from "./types.js";
import { restartNeeded } from "./keepalived.js";

type Svc = Extract<Element, { kind: "service" }>["value"];

const svcKeyCache = new WeakMap<object, string>();
/** serviceKeyOf, once per service object. */
function svcKey(s: Svc): string {
  let k = svcKeyCache.get(s);
  if (k === undefined) {
    k = serviceKeyOf(s);
    svcKeyCache.set(s, k);
  }
  return k;
}


export function destOptions(d: Dest): string {
  const parts: string[] = [d.method];
  if (d.method === "tun") {
    parts.push(`type ${d.tunType ?? "ipip"}`);
    if (d.tunPort !== undefined) parts.push(`port ${d.tunPort}`);
    if (d.tunCsum && d.tunCsum !== "nocsum") parts.push(d.tunCsum);
  }
  parts.push(`weight ${d.weight}`);
  if (d.lThreshold) parts.push(`min ${d.lThreshold}`);
  if (d.uThreshold) parts.push(`max ${d.uThreshold}`);
  return parts.join(" ");
}

/** What an element is, without the verb. */
export function elementText(e: Element): string {
  switch (e.kind) {
    case "service":
      return `service ${serviceKeyOf(e.value)} ${serviceOptions(e.value)}`;
    case "dest":
      return `real server ${destKeyOf(e.value)} of ${svcKey(e.service)}: ${destOptions(e.value)}`;
    case "addr":
      return `address ${e.value.addr}/${e.value.prefix} on ${e.value.dev}`;
    case "arp": {
      const r = e.value;
      if (r.target === "DROP" && r.dst) return `ARP rule: drop requests for ${r.dst}${r.iface ? ` on ${r.iface}` : ""}`;
      if (r.target === "mangle" && r.src) return `ARP rule: announce ${r.mangleIpS} instead of ${r.src}`;
      return `ARP rule ${r.chain} ${r.target}`;
    }
    case "sysctl":
      return `${e.key} = ${e.value ?? "(unset)"}`;
    case "link":
      return `link ${e.name} ${e.up === null ? "(missing)" : e.up ? "up" : "down"}`;
    case "keepalived":
      return `keepalived configuration ${e.value.path}`;
  }
}

const verbs: Record<Action, string> = { create: "add", update: "change", delete: "remove", replace: "replace" };

export function describeElement(action: Action, e: Element, before: Element | null): string {
  if (e.kind === "keepalived" && action === "create") return `write keepalived configuration ${e.value.path} and start keepalived with it (reload it if it runs)`;
  if (e.kind === "keepalived" && action === "delete") return `stop keepalived and move ${e.value.path} aside (${e.value.path}.lvsh-prev): it is no longer wanted here`;
  if (action === "replace" && before?.kind === "addr" && e.kind === "addr") {
    return `replace address ${before.value.addr}/${before.value.prefix} on ${before.value.dev} with /${e.value.prefix} on ${e.value.dev}`;
  }
  return `${verbs[action]} ${elementText(e)}`;
}

export function describeUpdate(before: Element, after: Element): string {
  if (before.kind === "sysctl" && after.kind === "sysctl") return `set ${after.key} = ${after.value} (was ${before.value ?? "not read"})`;
  if (before.kind === "link" && after.kind === "link") return `bring ${after.name} ${after.up ? "up" : "down"}`;
  if (before.kind === "keepalived" && after.kind === "keepalived") {
    if (!after.value.running) return `${before.value.text === after.value.text ? "" : `put back keepalived configuration ${after.value.path} and `}stop keepalived (it did not run)`;
    if (before.value.text === after.value.text) return `start keepalived with ${after.value.path} (it does not run)`;
    const restart = restartNeeded(before.value.text, after.value.text ?? "");
    return `rewrite keepalived configuration ${after.value.path} and ${restart ? `restart keepalived (${restart})` : "reload keepalived"}${before.value.running ? "" : " (it does not run: start it)"}`;
  }
  if (before.kind === "dest" && after.kind === "dest") {
    return `change real server ${destKeyOf(after.value)} of ${serviceKeyOf(after.service)}: ${destOptions(before.value)} -> ${destOptions(after.value)}`;
  }
  if (before.kind === "service" && after.kind === "service") {
    return `change service ${serviceKeyOf(after.value)}: ${serviceOptions(before.value)} -> ${serviceOptions(after.value)}`;
  }
  return `change ${elementText(before)} -> ${elementText(after)}`;
}
