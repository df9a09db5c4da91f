/**
 * AST -> canonical lvsh text: one spelling, one option order, canonical
 * addresses. print(parse(x)) is stable: parsing the output prints it again
 * unchanged.
 */
import type * as A from "./ast.js";
import { prefixToNetmask } from "./ip.js";
import { keywordByWord } from "./tokens.js";

export function printAddr(a: A.AddrLit): string {
  return a.kind === "ip" ? a.addr : "." + a.octets.join(".");
}

function withPort(a: A.AddrLit, port: number | undefined): string {
  const s = printAddr(a);
  if (port === undefined) return a.kind === "ip" && a.family === 6 ? `[${s}]` : s;
  return a.kind === "ip" && a.family === 6 ? `[${s}]:${port}` : `${s}:${port}`;
}

/** A word as the lexer will read it back where only a value may stand: quoted when it has blanks or quotes, or is a keyword. */
export function printWord(w: string): string {
  if (/^[^\s;#"\\]+$/.test(w) && !keywordByWord.has(w)) return w;
  return quote(w);
}

/** A word where a keyword may also stand (`netns rs`): quoted only when it has blanks or quotes. */
export function printName(w: string): string {
  return /^[^\s;#"\\]+$/.test(w) ? w : quote(w);
}

function quote(w: string): string {
  return `"${w.replace(/["\\]/g, "\\$&")}"`;
}

export function printDuration(secs: number): string {
  if (secs % 3600 === 0) return `${secs / 3600}h`;
  if (secs % 60 === 0) return `${secs / 60}m`;
  return `${secs}s`;
}

export function printServiceSpec(s: A.ServiceSpec): string {
  if (s.kind === "fwmark") return s.ipv6 ? `fwmark ${s.mark} ipv6` : `fwmark ${s.mark}`;
  const proto = s.proto ? `${s.proto.value} ` : "";
  const addr = s.addr ? withPort(s.addr, s.port) : `:${s.port}`;
  return proto + addr;
}

function serviceFamily(s: A.ServiceSpec): 4 | 6 {
  if (s.kind === "fwmark") return s.ipv6 ? 6 : 4;
  return s.addr?.kind === "ip" ? s.addr.family : 4;
}

export function printNetmask(prefix: number, family: 4 | 6): string {
  return family === 4 && prefix <= 32 ? prefixToNetmask(prefix) : String(prefix);
}

function printServiceOpts(s: A.ServiceSpec, o: A.ServiceOpts): string[] {
  const out: string[] = [];
  if (o.scheduler) out.push(o.scheduler.value);
  if (o.persistent) out.push(o.persistent.value === null ? "persistent" : `persistent ${o.persistent.value}`);
  if (o.netmask) out.push(`netmask ${printNetmask(o.netmask.value, serviceFamily(s))}`);
  if (o.flags) out.push(`flags ${o.flags.value.join(",")}`);
  if (o.onePacket) out.push("one-packet");
  if (o.pe) out.push(`pe ${o.pe.value}`);
  return out;
}

export function printRsOpts(o: A.RsOpts): string[] {
  const out: string[] = [];
  if (o.method) out.push(o.method.value);
  if (o.tunType) out.push(`type ${o.tunType.value}`);
  if (o.tunPort) out.push(`port ${o.tunPort.value}`);
  if (o.csum) out.push(o.csum.value);
  if (o.weight) out.push(`weight ${o.weight.value}`);
  if (o.min) out.push(`min ${o.min.value}`);
  if (o.max) out.push(`max ${o.max.value}`);
  return out;
}

export function printCheckOpts(o: A.CheckOpts): string[] {
  const out: string[] = [];
  if (o.expect) out.push(`expect ${o.expect.value}`);
  if (o.every) out.push(`every ${o.every.value}`);
  if (o.timeout) out.push(`timeout ${o.timeout.value}`);
  if (o.retry) out.push(`retry ${o.retry.value}`);
  if (o.port) out.push(`port ${o.port.value}`);
  if (o.helo) out.push(`helo ${printWord(o.helo.value)}`);
  if (o.queryType) out.push(`type ${o.queryType.value}`);
  if (o.dynamic) out.push("dynamic");
  return out;
}

function targets(ts: readonly A.RsTarget[]): string {
  return ts.map((t) => withPort(t.addr, t.port)).join(" ");
}

function printTransport(t: A.Transport): string {
  switch (t.kind) {
    case "local":
      return "local";
    case "netns":
      return `netns ${printName(t.name)}`;
    case "ssh": {
      const h = t.port ? `${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}` : t.host;
      return `ssh ${t.user ? `${t.user}@` : ""}${h}`;
    }
  }
}

function printSubject(s: A.HostSubject): string {
  if (s.kind === "director") return "director";
  if (s.kind === "addr") return printAddr(s.addr);
  return s.name;
}

export function printStatement(s: A.Statement): string {
  const join = (...parts: (string | undefined | false)[]) => parts.filter((p) => p).join(" ");
  switch (s.kind) {
    case "vip":
      return join("vip", printAddr(s.addr) + (s.prefix ? `/${s.prefix.value}` : ""), s.iface && `on ${s.iface.value}`);
    case "service":
      return join("service", printServiceSpec(s.spec), ...printServiceOpts(s.spec, s.opts));
    case "add-rs":
      return join("add rs", targets(s.targets), ...printRsOpts(s.opts));
    case "set-rs":
      return join("set rs", targets(s.targets), ...printRsOpts(s.opts));
    case "del-rs":
      return join("del rs", targets(s.targets));
    case "maintenance-rs":
      return join("maintenance rs", targets(s.targets), s.on.value ? "on" : "off");
    case "drain-rs":
      return join(
        "drain rs",
        targets(s.targets),
        s.from && `from ${printServiceSpec(s.from)}`,
        s.timeout && `timeout ${printDuration(s.timeout.value)}`,
        s.then && `then ${s.then.value}`,
        s.force && "force",
      );
    case "del-service":
      return join("del service", printServiceSpec(s.spec));
    case "del-vip":
      return join("del vip", printAddr(s.addr));
    case "use-service":
      return join("use service", printServiceSpec(s.spec));
    case "use-vip":
      return join("use vip", printAddr(s.addr));
    case "arp-hide":
      return join("arp hide on rs", s.via && `via ${s.via.value}`, s.dev && `dev ${s.dev.value}`);
    case "check":
      return join(
        "check",
        s.type.value,
        s.path && printWord(s.path.value),
        ...printCheckOpts(s.opts),
        s.targets.length > 0 && `rs ${targets(s.targets)}`,
      );
    case "sorry":
      return `sorry server ${targets([s.target])}`;
    case "quorum":
      return `quorum ${s.value.value}`;
    case "inhibit":
      return "inhibit on failure";
    case "director-pair":
      return join(
        "director pair",
        printAddr(s.addrs[0]),
        printAddr(s.addrs[1]),
        s.priority && `priority ${s.priority.value[0]} ${s.priority.value[1]}`,
        s.vrid && `vrid ${s.vrid.value}`,
        s.iface && `interface ${s.iface.value}`,
      );
    case "engine":
      return join("engine", s.engine.value, s.path && `config ${printName(s.path.value)}`);
    case "sync":
      return s.iface ? join("sync daemon on", s.iface.value, s.id && `id ${s.id.value}`) : "sync daemon off";
    case "host":
      return join("host", printSubject(s.subject), "via", printTransport(s.transport));
    case "clear":
      return "clear";
    case "show":
      return join("show", s.topic?.value, ...s.args.map((a) => printWord(a.value)));
    case "watch":
      return join("watch", s.spec && printServiceSpec(s.spec), s.interval && `interval ${s.interval.value}`, s.count && `count ${s.count.value}`, s.json && "json");
    case "doctor":
      return join("doctor", s.candidate && "candidate", s.vip && s.vip.value, s.spec && printServiceSpec(s.spec), s.json && "json");
    case "commit":
      return join(
        "commit",
        s.check && "check",
        s.confirmed && (s.confirmed.value === null ? "confirmed" : `confirmed ${printDuration(s.confirmed.value)}`),
        s.comment && `comment ${printName(s.comment.value)}`,
        s.force && "force",
        s.directorOnly && "on director",
      );
    case "confirm":
      return "confirm";
    case "rollback":
      return join("rollback", s.revision && String(s.revision.value));
    case "abort":
      return "abort";
    case "save":
      return join("save", s.to && `to ${printName(s.to.value)}`, s.format && `format ${printName(s.format.value)}`);
    case "load":
      return `load ${printName(s.path.value)}`;
    case "help":
      return join("help", s.topic && printName(s.topic.value));
  }
}

export function printStatements(ss: readonly A.Statement[]): string {
  return ss.map(printStatement).join("\n") + (ss.length ? "\n" : "");
}
