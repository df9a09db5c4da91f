/**
 * keepalived on a simulated director: the commands of plan/keepalived.ts
 * (check, install, stop, read) acting on the host's files and on whether
 * keepalived runs (`keepalived`: the paths it runs with). `keepalived -t`
 * is modelled by what lvsh's files can get wrong on a host: an interface
 * (`interface X`, `dev X`, lvs_sync_daemon's) the host does not have.
 * keepalived's IPVS table is the file's services with every real server up
 * (no health check runs); VRRP as far as the file says: a director whose
 * instance is MASTER holds its VIPs (no peer is consulted, nothing fails over).
 */
import { importFiles } from "../interop/index.js";
import { compile } from "../model/index.js";
import { keepalivedInterfaces, keepalivedOp, keepalivedVipLines } from "../plan/index.js";
import type { AddrEntry } from "../model/index.js";
import type { SimHost } from "./host.js";
import { out, type SimOut } from "./out.js";

/** What `keepalived -t` would reject in a file on this host, or undefined. */
function rejects(h: SimHost, text: string): string | undefined {
  const links = new Set(h.links.map((l) => l.name));
  const missing = keepalivedInterfaces(text).find(([dev]) => !links.has(dev));
  return missing ? `WARNING - interface ${missing[0]} for ${missing[1]} doesn't exist` : undefined;
}

export function simKeepalived(h: SimHost, argv: readonly string[]): SimOut | undefined {
  const k = keepalivedOp(argv);
  if (!k) return undefined;
  const files = (h.files ??= {});
  const running = new Set(h.keepalived ?? []);
  const set = () => {
    if (running.size) h.keepalived = [...running];
    else delete h.keepalived;
  };
  const text = k.text ?? "";
  switch (k.op) {
    case "read":
      return out(0, `${running.has(k.path) ? "running" : "stopped"}\n${k.path in files ? `present\n${files[k.path]}` : "absent\n"}`, "");
    case "check":
    case "install": {
      const bad = rejects(h, text);
      if (bad) return out(1, "", `keepalived -t rejects the new configuration (exit 1); nothing was changed:\n${bad}\n`);
      if (k.op === "check") return out(0, "", "");
      if (k.path in files) files[`${k.path}.lvsh-prev`] = files[k.path]!;
      const old = files[k.path];
      files[k.path] = text;
      vips(h, old, false);
      // the file only, keepalived stopped (a recover's way back)
      if (k.rest[4] === "stopped") {
        running.delete(k.path);
        set();
        h.ipvs = [];
        return out(0, "", "", true);
      }
      running.add(k.path);
      set();
      h.ipvs = tableOf(text);
      vips(h, text, true);
      return out(0, "", "", true);
    }
    case "stop":
      running.delete(k.path);
      set();
      h.ipvs = [];
      vips(h, files[k.path], false);
      if (k.path in files && k.rest[0] !== "keep") {
        files[`${k.path}.lvsh-prev`] = files[k.path]!;
        delete files[k.path];
      }
      return out(0, "", "", true);
  }
}

/** The IPVS table keepalived builds from a file (what `lvsh import` reads in it). */
function tableOf(text: string): SimHost["ipvs"] {
  const r = importFiles([{ name: "keepalived.conf", text }]);
  if ("error" in r) return [];
  // as a kernel holds it: no source positions
  return (compile(r.config).state.hosts["director"]?.ipvs ?? []).map(({ span: _s, dests, ...svc }) => ({ ...svc, dests: dests.map(({ span: _d, ...d }) => d) }));
}

/** The VIPs a file's MASTER instances hold (`ADDR/PREFIX dev IFACE` in virtual_ipaddress), bound (`on`) or unbound. */
function vips(h: SimHost, text: string | undefined, on: boolean): void {
  if (text === undefined || !/^\s*state MASTER\b/m.test(text)) return;
  const held: AddrEntry[] = keepalivedVipLines(text).flatMap((v) => (v.prefix !== null && v.dev !== null ? [{ addr: v.addr, prefix: v.prefix, dev: v.dev }] : []));
  const same = (a: AddrEntry, b: AddrEntry) => a.addr === b.addr && a.prefix === b.prefix && a.dev === b.dev;
  h.addrs = h.addrs.filter((a) => !held.some((v) => same(a, v)));
  if (on) h.addrs.push(...held);
}
