/**
 * The values Tab offers where the grammar expects a value: interfaces of
 * the host in question, VIPs, services and real servers of the candidate,
 * revision numbers, files. Chosen by the rule the value sits in and the
 * word before it.
 */
// lang's modules one by one, not its index: Tab's light completer (no parser) takes this file
import { formatAddrPort } from "../lang/ip.js";
import { showTopicByName, showWordDocs } from "../lang/show-topics.js";
import { slotAfter, slotOfRule } from "../lang/slots.js";
import { dnsQueryTypes } from "../lang/values.js";
import { saveFormats } from "../interop/formats.js";
import type { Config, Context, ServiceDef } from "../model/types.js";
import type { Item, Tok } from "./statement.js";

export interface ValueSources {
  /** Interface names per host (`ip -j link`, read through its executor). */
  readonly links?: Readonly<Record<string, readonly string[]>>;
  readonly revisions?: readonly number[];
  /** Entries of a directory, for `load`/`save` paths. */
  readonly listDir?: (dir: string) => readonly { name: string; dir: boolean }[];
  /** Network namespaces of this machine (`ip netns list`). */
  readonly netns?: () => readonly string[];
  /** What `help` explains (lang/help.ts: read off the grammar). */
  readonly helpTopics?: () => readonly { topic: string; doc: string }[];
}

type Ctx = ValueSources & { readonly config: Config; readonly context: Context };

const v = (value: string, doc?: string): Item => ({ value, kind: "value", ...(doc ? { doc } : {}) });

/** `.N` when the address shares the current VIP's first three octets. */
function short(addr: string, vip: string | null): string {
  if (!vip || vip.includes(":") || addr.includes(":")) return addr;
  const a = addr.split(".");
  return vip.split(".").slice(0, 3).join(".") === a.slice(0, 3).join(".") ? `.${a[3]}` : addr;
}

function currentService(ctx: Ctx): ServiceDef | undefined {
  return ctx.context.service ? ctx.config.services.get(ctx.context.service) : undefined;
}

/** Real servers: of the current service, of other services (not yet in it), or all. */
function realServerAddrs(ctx: Ctx, which: "current" | "others" | "all"): { addr: string; doc: string }[] {
  const svc = currentService(ctx);
  const out = new Map<string, { addr: string; doc: string }>();
  if (which === "current") {
    for (const r of svc?.reals.values() ?? []) out.set(r.addr, { addr: r.addr, doc: `${r.method} weight ${r.weight}` });
    return [...out.values()];
  }
  const mine = new Set(which === "others" ? [...(svc?.reals.values() ?? [])].map((r) => r.addr) : []);
  for (const s of ctx.config.services.values()) {
    for (const r of s.reals.values()) if (!mine.has(r.addr) && !out.has(r.addr)) out.set(r.addr, { addr: r.addr, doc: `real server of ${s.key}` });
  }
  return [...out.values()];
}

function realServers(ctx: Ctx, which: "current" | "others" | "all"): Item[] {
  return realServerAddrs(ctx, which).map((r) => v(short(r.addr, ctx.context.vip), r.doc));
}

function services(ctx: Ctx): Item[] {
  return [...ctx.config.services.values()].map((s) => {
    if (s.fwmark !== null) return v(`fwmark ${s.fwmark}${s.family === 6 ? " ipv6" : ""}`, s.scheduler);
    const ep = s.addr === ctx.context.vip ? `:${s.port}` : formatAddrPort(s.addr!, s.port);
    return v(s.proto === "tcp" ? ep : `${s.proto} ${ep}`, `${s.scheduler}, ${s.reals.size} real servers`);
  });
}

function interfaces(ctx: Ctx, hosts: "director" | "real servers"): Item[] {
  const links = ctx.links ?? {};
  const names = hosts === "director" ? (links.director ?? []) : Object.entries(links).filter(([h]) => h !== "director").flatMap(([, ls]) => ls);
  return [...new Set(names.length ? names : hosts === "director" ? ["eth0"] : ["eth0", "lo"])].map((n) => v(n, "interface"));
}

function paths(ctx: Ctx, partial: string): Item[] {
  if (!ctx.listDir) return [];
  const slash = partial.lastIndexOf("/");
  const dir = slash >= 0 ? partial.slice(0, slash + 1) : "";
  return ctx
    .listDir(dir || ".")
    .filter((e) => e.dir || e.name.endsWith(".lvsh") || e.name.endsWith(".conf"))
    .map((e) => v(`${dir}${e.name}${e.dir ? "/" : ""}`));
}

/**
 * After `show TOPIC`: what the topic takes (lang/show-topics.ts), less the
 * words already given; its values (revisions, real servers) while it takes more.
 */
function showItems(preceding: readonly Tok[], ctx: Ctx): Item[] {
  const spec = showTopicByName.get(preceding[1]?.image ?? "");
  if (!spec) return [];
  const given = preceding.slice(2).map((t) => t.image.replace(/^--/, ""));
  const words = spec.words.filter((w) => !given.includes(w)).map((w) => v(w, showWordDocs[w]));
  const values = given.filter((g) => !spec.words.includes(g));
  if (!spec.values || values.length >= spec.values.max) return words;
  const more =
    spec.values.kind === "revision"
      ? (ctx.revisions ?? []).map((n) => v(String(n), "revision"))
      : realServerAddrs(ctx, "all").map((r) => v(r.addr, r.doc));
  return [...more.filter((m) => !values.includes(m.value)), ...words];
}

/**
 * What Tab offers at a value position: the slot there (lang/slots.ts: by
 * the rule reading it, or the keyword before it) says how it completes;
 * the statement it is in refines it (a VIP's own interfaces are the
 * director's, a new service's address is not one that exists).
 */
export function valueItems(ruleStack: readonly string[], preceding: readonly Tok[], partial: string, ctx: Ctx): Item[] {
  const rule = ruleStack[ruleStack.length - 1] ?? "";
  const top = ruleStack[1] ?? "";
  const prev = preceding[preceding.length - 1]?.image ?? "";
  if (rule === "showStatement") return showItems(preceding, ctx);
  const slot = slotOfRule(rule) ?? slotAfter(prev);
  switch (slot?.complete) {
    case "interfaces-director":
    case "interfaces-real-servers":
      return interfaces(ctx, top === "vipStatement" || top === "directorStatement" || top === "syncStatement" ? "director" : "real servers");
    case "real-servers":
      return realServers(ctx, top === "addStatement" ? "others" : "current");
    case "vips":
      return top === "vipStatement" ? [] : [...ctx.config.vips.keys()].map((a) => v(a, "VIP"));
    case "services":
      return top === "serviceStatement" ? [] : services(ctx);
    case "netns":
      return (ctx.netns?.() ?? []).map((n) => v(n, "network namespace"));
    case "ssh-targets":
      return realServerAddrs(ctx, "all").map((r) => v(`root@${r.addr}`, r.doc));
    case "hosts":
      return [v("director", "the load balancer"), ...realServers(ctx, "all")];
    case "revisions":
      return (ctx.revisions ?? []).map((n) => v(String(n), "revision"));
    case "save-formats":
      return saveFormats.map((f) => v(f.name, f.summary));
    case "files":
      return paths(ctx, partial);
    case "help-topics":
      return (ctx.helpTopics?.() ?? []).map((t) => v(t.topic, t.doc));
    case "durations":
      return ["1m", "5m", "10m"].map((d) => v(d, "confirmation window"));
    case "dns-types":
      return dnsQueryTypes.map((t) => v(t, "DNS query type"));
    default:
      return [];
  }
}
