/**
 * `lvsh import --from keepalived.conf` of files written like real ones:
 * virtual_server_group (addresses, ranges, fwmarks), renamed and deprecated
 * keywords, VRRP roles (a BACKUP's VIPs are never bound; a MASTER's and a
 * BACKUP's files together make a `director pair`), and honest status (a
 * service that cannot be imported is said with FILE:LINE; a file from which
 * nothing can be taken fails).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importFiles, importScript, keepalivedDocs, type ImportResult } from "../../src/interop/index.js";
import { printConfig } from "../../src/model/index.js";
import { sim } from "../helpers/cli.js";
import { keepalivedCheck, keepalivedCleanup, keepalivedUnavailable } from "../helpers/keepalived.js";
import { load } from "../helpers/load.js";
import { freshStateDir } from "../helpers/sim.js";

const dir = mkdtempSync(join(tmpdir(), "lvsh-kai-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function imported(...files: [string, string][]): ImportResult {
  const r = importFiles(files.map(([name, text]) => ({ name, text })));
  if ("error" in r) throw new Error(r.error);
  return r;
}

const lostOf = (r: ImportResult) => r.notes.filter((n) => n.kind === "lost");

const GROUPS = `! Configuration File for keepalived
global_defs {
   router_id LVS_A
}

virtual_server_group WEB {
    10.0.0.1 80
    10.0.0.5-7 80
    ! IPv6 in group WEB6: keepalived removes a group of IPv4 and IPv6 with a fwmark without family
    fwmark 7
}

virtual_server group WEB {
    delay_loop 6
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    real_server 192.168.1.11 8080 {
        weight 2
        TCP_CHECK {
            connect_port 8080
            connect_timeout 3
        }
    }
    real_server 192.168.1.12 8080 {
        weight 1
        uthreshold 100
        TCP_CHECK {
            connect_port 8080
            connect_timeout 3
        }
    }
    real_server 2001:db8::11 8080 {
        weight 1
    }
}

virtual_server_group WEB6 {
    2001:db8::a-c 80
}

virtual_server group WEB6 {
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    real_server 2001:db8::11 8080 {
        weight 1
    }
}
`;

describe("virtual_server_group", () => {
  const r = imported(["lb.conf", GROUPS]);
  const keys = [...r.config.services.keys()];

  it("expands addresses, ranges (the last byte, an IPv6 address's last group in hex) and fwmarks into services", () => {
    expect(keys).toEqual([
      "tcp 10.0.0.1:80",
      "tcp 10.0.0.5:80",
      "tcp 10.0.0.6:80",
      "tcp 10.0.0.7:80",
      "fwmark 7",
      "tcp [2001:db8::a]:80",
      "tcp [2001:db8::b]:80",
      "tcp [2001:db8::c]:80",
    ]);
    const v4 = r.config.services.get("tcp 10.0.0.6:80")!;
    expect(v4.scheduler).toBe("wrr");
    expect([...v4.reals.keys()]).toEqual(["192.168.1.11:8080", "192.168.1.12:8080"]);
    expect(v4.check).toMatchObject({ kind: "tcp", port: null, every: 6, timeout: 3 });
    // the fwmark service's check names its port (its real servers could be on others)
    const fw = r.config.services.get("fwmark 7")!;
    expect(fw.check).toBeUndefined();
    expect([...fw.reals.values()].map((x) => x.check?.kind)).toEqual(["tcp", "tcp"]);
    expect(load(printConfig(r.config)).errors).toEqual([]);
  });

  it("says each note once, not once per address of the group", () => {
    const texts = r.notes.map((n) => `${n.line} ${n.text}`);
    expect(new Set(texts).size).toBe(texts.length);
    // the IPv6 real server is left out of the IPv4 services: said once
    expect(lostOf(r).map((n) => `${n.line}: ${n.text}`)).toEqual([
      "2: `global_defs { ... }`: lvsh has no such setting",
      "33: real server 2001:db8::11: IPv6, so it is left out of the IPv4 services (only a tun real server can be of another family)",
    ]);
  });

  it("leaves out, as keepalived does, a group of IPv4 and IPv6 with a fwmark without family, and a virtual server of an IPv4 and IPv6 group with a real server not tunnelled", () => {
    const text = [
      "virtual_server_group WEB {\n  10.4.0.1 80\n  fwmark 7\n  2001:db8::a 80\n}",
      "virtual_server group WEB {\n  lb_algo rr\n  lb_kind DR\n  protocol TCP\n  real_server 10.4.0.11 80 {\n    weight 1\n  }\n}",
      "virtual_server_group W2 {\n  10.5.0.1 80\n  2001:db8::b 80\n}",
      "virtual_server group W2 {\n  lb_algo rr\n  lb_kind DR\n  protocol TCP\n  real_server 10.5.0.11 80 {\n    weight 1\n  }\n}",
      "virtual_server_group W3 {\n  10.6.0.1 80\n  2001:db8::c 80\n  fwmark 8 inet\n}",
      "virtual_server group W3 {\n  lb_algo rr\n  lb_kind TUN\n  protocol TCP\n  real_server 10.6.0.11 80 {\n    weight 1\n  }\n}",
    ].join("\n");
    const r = imported(["mix.conf", text]);
    // every real server of W3 tunnelled, no ip_family: keepalived takes the group, one service per entry
    expect([...r.config.services.keys()]).toEqual(["tcp 10.6.0.1:80", "tcp [2001:db8::c]:80", "fwmark 8"]);
    expect(lostOf(r).map((n) => `${n.line}: ${n.text}`)).toEqual([
      "1: keepalived removes virtual_server_group WEB (line 1): it has IPv4 and IPv6 entries and `fwmark 7` (line 3) without a family (`inet` or `inet6`); lvsh leaves it out too",
      "6: `virtual_server group WEB`: keepalived removes virtual_server_group WEB (line 1): it has IPv4 and IPv6 entries and `fwmark 7` (line 3) without a family (`inet` or `inet6`), and with it this virtual server: left out",
      '18: virtual_server group W2: virtual_server_group W2 (line 14) has IPv4 and IPv6 entries, which keepalived takes only when every real server is tunnelled and no ip_family is set; it ignores this virtual server ("virtual server group with IPv4 & IPv6 doesn\'t match virtual server"): left out',
    ]);
  });

  it("checks a fwmark group entry's real server on the port its real_server line gives, as keepalived does; a note on a checker names the service", () => {
    const group = "virtual_server_group G {\n    10.25.0.1 80\n    fwmark 7\n}\n";
    const vs = (head: string) => `${head} {\n    lb_algo rr\n    lb_kind DR\n    protocol TCP\n    real_server 10.25.0.11 80 {\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n}\n`;
    const r = imported(["g.conf", group + vs("virtual_server group G")]);
    expect(lostOf(r)).toEqual([]);
    expect(printConfig(r.config)).toBe("service fwmark 7 rr\nadd rs 10.25.0.11 dr\ncheck tcp every 60 timeout 3 port 80\n\nvip 10.25.0.1\nservice :80 rr\nadd rs .11 dr\ncheck tcp every 60 timeout 3\n");
    // a `virtual_server fwmark`: keepalived clears the real server's port, so the check has none; the notes say which service
    const f = imported(["f.conf", vs("virtual_server fwmark 7")]);
    expect(lostOf(f).map((n) => `${n.line}: ${n.text}`)).toEqual([
      "5: real server 10.25.0.11 80 of fwmark 7: none of its checkers could be imported, so it has no check there; keepalived (as lvsh exports it) will then never take it out of that service",
      "6: `TCP_CHECK` of real server 10.25.0.11 in fwmark 7 without connect_port: the real server is on port 0 (every port of the mark), and lvsh's check needs a port",
    ]);
  });

  it("notes a range it cannot expand and an unknown group, with the line", () => {
    const bad = importFiles([{ name: "b.conf", text: "virtual_server_group G {\n  10.0.0.9-3 80\n}\nvirtual_server group G {\n  lb_algo rr\n}\nvirtual_server group H {\n  lb_algo rr\n}\n" }]);
    if ("error" in bad) throw new Error(bad.error);
    expect(bad.config.services.size).toBe(0);
    expect(bad.nothing).toMatch(/^b\.conf:4: nothing could be imported: none of its 2 virtual_server blocks could be imported/);
    expect(bad.notes.map((n) => `${n.line}: ${n.text.replace(/:.*/s, "")}`)).toEqual([
      "2: `10.0.0.9-3 80` in virtual_server_group G",
      "4: `virtual_server group G`",
      "7: `virtual_server group H`",
    ]);
  });
});

const RENAMED = `virtual_server 192.0.2.10 80 {
    delay_loop 5
    lvs_sched rr
    lvs_method DR
    persistence_timeout 0
    protocol TCP
    real_server 192.0.2.21 80 {
        weigth 3
        HTTP_GET {
            url {
                path /health
                status_code 200
            }
            nb_get_retry 2
        }
    }
    real_server 192.0.2.22 80 {
        weigth 3
        HTTP_GET {
            url {
                path /health
                status_code 200
            }
            nb_get_retry 2
        }
    }
}
virtual_server 192.0.2.10 443 {
    lvs_sched rr
    protocol TCP
    real_server 192.0.2.21 443 {
        lvs_method DR
        weight 1
        TCP_CHECK {
            nb_get_retry 4
        }
    }
}
`;

describe("renamed and deprecated keywords", () => {
  const r = imported(["k.conf", RENAMED]);

  it("reads them as keepalived does, with one note per keyword", () => {
    expect(printConfig(r.config)).toBe(
      [
        "vip 192.0.2.10",
        "service :80 rr",
        "add rs .21 .22 dr",
        "check http /health expect 200 every 5 retry 2",
        "service :443 rr",
        "add rs .21 dr",
        "check tcp every 60",
        "",
      ].join("\n"),
    );
    const about = (w: string) => r.notes.filter((n) => n.text.startsWith(`\`${w}\``) || n.text.startsWith(`keepalived does not know \`${w}\``));
    expect(about("lvs_sched").map((n) => [n.line, n.kind])).toEqual([[3, "info"]]);
    expect(about("lvs_sched")[0]!.text).toContain("(here and on 1 more line)");
    expect(about("lvs_method").map((n) => n.line)).toEqual([4]);
    expect(about("nb_get_retry").map((n) => n.line)).toEqual([14, 35]);
    expect(about("nb_get_retry")[0]!.text).toContain("read as retry");
    expect(about("nb_get_retry")[1]!.text).toContain("in TCP_CHECK: keepalived does not know it there");
    // keepalived ignores `weigth` (Unknown keyword): the weight stays 1, said once
    expect(about("weigth").map((n) => n.line)).toEqual([8]);
  });

  it("takes persistence_timeout 0 as no persistence, silently; and contradicts itself nowhere", () => {
    expect(r.notes.some((n) => n.line === 5)).toBe(false);
    expect(r.config.services.get("tcp 192.0.2.10:80")!.persistence).toBeNull();
    // :443 has no lb_kind, but its one real server says DR: no note of keepalived's NAT default
    expect(r.notes.filter((n) => n.text.includes("has no lb_kind"))).toEqual([]);
    expect(lostOf(r)).toEqual([]);
  });
});

const VRRP = (state: "MASTER" | "BACKUP", self: string, peer: string, priority: number) => `! Configuration File for keepalived
global_defs {
    router_id ${state === "MASTER" ? "lb1" : "lb2"}
}

vrrp_instance VI_1 {
    state ${state}
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int 1
    unicast_src_ip ${self}
    unicast_peer {
        ${peer}
    }
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        192.0.2.10/24 dev eth0 label eth0:1
        192.0.2.1
    }
}

virtual_server 192.0.2.10 80 {
    delay_loop 3
    lb_algo wlc
    lb_kind NAT
    protocol TCP
    real_server 10.1.0.21 80 {
        weight 1
        TCP_CHECK {
            connect_timeout 2
        }
    }
    real_server 10.1.0.22 80 {
        weight 1
        MISC_CHECK {
            misc_path "/usr/local/bin/check_web 10.1.0.22"
        }
    }
}
`;

const MASTER = VRRP("MASTER", "192.0.2.251", "192.0.2.252", 150);
const BACKUP = VRRP("BACKUP", "192.0.2.252", "192.0.2.251", 100);

describe("VRRP roles", () => {
  it("never binds a BACKUP's VIPs: they are declared unbound, and a VIP no service uses (the NAT gateway) is declared too", () => {
    const r = imported(["backup.conf", BACKUP]);
    const text = printConfig(r.config);
    expect(text).toMatch(/^vip 192\.0\.2\.10\/24\nservice :80 wlc\n/);
    expect(text).toContain("\nvip 192.0.2.1\n");
    expect(text).not.toContain(" on eth0");
    const vi = lostOf(r).find((n) => n.line === 6 && n.text.includes("keepalived moves"))!;
    expect(vi.text).toContain("vrrp_instance VI_1 (state BACKUP, virtual_router_id 51, priority 100 on eth0): keepalived moves its VIPs (192.0.2.10, 192.0.2.1)");
    expect(vi.text).toContain("`director pair 192.0.2.251 192.0.2.252 priority N 100 vrid 51 interface eth0`");
    expect(lostOf(r).find((n) => n.line === 21)!.text).toBe("virtual_ipaddress 192.0.2.10: `label eth0:1`: lvsh keeps the address and its prefix only");
    // no note says the VIP is bound, or that no service uses one
    expect(r.notes.filter((n) => /bound on the director|no service uses/.test(n.text))).toEqual([]);
  });

  it("imported, then planned on the simulated target: binds no VIP", () => {
    const state = freshStateDir();
    const i = sim(state, ["import", "--from", file("backup.conf", BACKUP)]);
    expect(i.code, i.err).toBe(0);
    const plan = sim(state, ["--dry-run", "--json", file("imported.lvsh", i.out)]);
    expect(plan.code, plan.err).toBe(0);
    const steps = (JSON.parse(plan.out) as { steps: { argv: string[] }[] }).steps;
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.filter((s) => s.argv[0] === "ip" && s.argv.includes("addr"))).toEqual([]);
    expect(steps.some((s) => s.argv.join(" ") === "ipvsadm -A -t 192.0.2.10:80 -s wlc")).toBe(true);
  });

  it("makes the MASTER's and the BACKUP's files, given together, a `director pair` of the directors' own addresses", () => {
    const r = imported(["backup.conf", BACKUP], ["master.conf", MASTER]);
    const text = printConfig(r.config);
    expect(text).toContain("vip 192.0.2.10/24\nservice :80 wlc\nadd rs 10.1.0.21 10.1.0.22 nat\ncheck tcp every 3 timeout 2 rs 10.1.0.21\ncheck misc \"/usr/local/bin/check_web 10.1.0.22\" every 3 retry 0 rs 10.1.0.22\ndirector pair .251 .252 interface eth0\n");
    expect(text).toContain("vip 192.0.2.1\ndirector pair .251 .252 interface eth0\n");
    expect(load(text).errors).toEqual([]);
    // the same virtual_server in both files is one service, without a note
    expect(r.notes.filter((n) => n.text.includes("left out"))).toEqual([]);
    expect(lostOf(r).filter((n) => n.text.includes("the pair needs both directors"))).toEqual([]);
    const pair = r.notes.find((n) => n.kind === "info" && n.text.includes("are one VRRP router"))!;
    expect(`${pair.source}:${pair.line}`).toBe("master.conf:6");
    // its MISC_CHECK is imported (check misc, above): no real server is left without its checker
    expect(lostOf(r).filter((n) => n.source === "backup.conf" && (n.line === 37 || n.line === 39))).toEqual([]);
  });

  it("notes the directors' addresses as unknown when the files do not say them", () => {
    const strip = (t: string) => t.replace(/ {4}unicast_src_ip .*\n {4}unicast_peer \{\n.*\n {4}\}\n/, "");
    const r = imported(["a.conf", strip(MASTER)], ["b.conf", strip(BACKUP)]);
    expect([...r.config.vips.values()].every((v) => v.pair === undefined && v.iface === null)).toBe(true);
    const n = lostOf(r).find((x) => x.text.includes("are one VRRP router"))!;
    expect(n.text).toContain("the files do not say the directors' own addresses");
    expect(n.text).toContain("`director pair MASTER-ADDR BACKUP-ADDR priority 150 100 vrid 51 interface eth0`");
  });

  it("reads lvs_sync_daemon as `sync daemon on IFACE [id N]`, with `engine keepalived` (what runs it)", () => {
    const sync = (t: string, line: string) => t.replace(/( {4}router_id lb[12]\n)/, `$1    ${line}\n`);
    const r = imported(["backup.conf", sync(BACKUP, "lvs_sync_daemon eth1 VI_1 id 9")], ["master.conf", sync(MASTER, "lvs_sync_daemon eth1 VI_1 id 9")]);
    expect(r.config.sync).toMatchObject({ iface: "eth1", id: 9 });
    expect(r.config.engine).toMatchObject({ kind: "keepalived", path: "/etc/keepalived/keepalived.conf" });
    const text = printConfig(r.config);
    expect(text).toMatch(/^engine keepalived\nsync daemon on eth1 id 9\n/);
    expect(load(text).errors).toEqual([]);
    // nothing about it is lost; global_defs' router_id still is, said as before
    expect(lostOf(r).filter((n) => n.text.includes("lvs_sync_daemon eth1"))).toEqual([]);
    expect(lostOf(r).filter((n) => n.line === 2).map((n) => n.text)).toEqual(["`global_defs { ... }` (but lvs_sync_daemon): lvsh has no such setting", "`global_defs { ... }` (but lvs_sync_daemon): lvsh has no such setting"]);
    expect(r.notes.find((n) => n.kind === "info" && n.text.includes("engine keepalived"))?.line).toBe(4);
    // the old name, and `inst`
    expect(imported(["b.conf", sync(BACKUP, "lvs_sync_daemon_interface eth2")], ["m.conf", sync(MASTER, "lvs_sync_daemon_interface eth2")]).config.sync).toMatchObject({ iface: "eth2", id: 0 });
    expect(imported(["b.conf", sync(BACKUP, "lvs_sync_daemon eth1 inst VI_1")], ["m.conf", MASTER]).config.sync).toMatchObject({ iface: "eth1", id: 0 });
  });

  it("gives the exported sync daemon back", () => {
    const src = "engine keepalived; vip 192.0.2.10 on eth0; service :80 rr; add rs .2 nat; director pair .251 .252; sync daemon on eth1 id 12";
    const docs = keepalivedDocs(load(src).config, "t.lvsh").docs;
    const r = imported(...docs.map((d): [string, string] => [d.name, d.text]));
    expect(r.config.sync).toMatchObject({ iface: "eth1", id: 12 });
    expect(printConfig(r.config)).toContain("engine keepalived\nsync daemon on eth1 id 12\n");
  });

  it("notes lvs_sync_daemon without a director pair, and options lvsh cannot say", () => {
    const r = imported(["backup.conf", BACKUP.replace("    router_id lb2\n", "    router_id lb2\n    lvs_sync_daemon eth1 VI_1 maxlen 1400\n")]);
    expect(r.config.sync).toBeUndefined();
    expect(r.config.engine).toBeUndefined();
    expect(lostOf(r).filter((n) => n.line === 4).map((n) => n.text)).toEqual([
      "`maxlen 1400` of lvs_sync_daemon: lvsh's `sync daemon` has no such setting (keepalived's default is kept)",
      "`lvs_sync_daemon eth1 VI_1 maxlen 1400`: connection sync runs between the two directors of a pair, and no director pair was imported (import both directors' files)",
    ]);
  });

  it("notes a vrrp_sync_group and the excluded addresses", () => {
    const text = `vrrp_sync_group VG1 {\n    group {\n        VI_1\n    }\n}\n${BACKUP.replace("    virtual_ipaddress {", "    virtual_ipaddress_excluded {\n        192.0.2.11\n    }\n    virtual_ipaddress {")}`;
    const r = imported(["s.conf", text]);
    expect(lostOf(r)[0]!.text).toBe("vrrp_sync_group VG1 (VI_1): lvsh has no sync groups; VIPs fail over together when their pairs name one `vrid` on one interface");
    expect([...r.config.vips.keys()]).toContain("192.0.2.11");
  });
});

describe("honest status", () => {
  it("notes every virtual_server it cannot import with FILE:LINE and why, and imports the others", () => {
    const text = `global_defs {
    router_id lb1

virtual_server 192.0.2.10 80 {
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 192.0.2.21 80 {
    }
}
}
virtual_server 192.0.2.300 80 {
    lb_algo rr
}
virtual_server 192.0.2.11 443 {
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 192.0.2.21 443 {
        weight 1
    }
}
`;
    const state = freshStateDir();
    const i = sim(state, ["import", "--from", file("lost.conf", text)]);
    expect(i.code, i.err).toBe(0);
    expect(i.out).toContain("# not imported (");
    expect(i.err).toMatch(/lost\.conf:4: not imported: `virtual_server 192\.0\.2\.10 80` is inside the `global_defs` block of line 1 \(a `\}` missing before it\?\)/);
    expect(i.err).toMatch(/lost\.conf:12: not imported: `virtual_server 192\.0\.2\.300 80`: expected an address and a port/);
    expect(i.out).toContain("vip 192.0.2.11\nservice :443 rr\nadd rs .21 dr\n");
  });

  it("fails, located, on a file from which nothing could be taken", () => {
    const state = freshStateDir();
    const a = sim(state, ["import", "--from", file("defs.conf", "! only globals\nglobal_defs {\n    router_id lb1\n}\n")]);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/lvsh: import: .*defs\.conf:2: nothing could be imported: no virtual_server and no vrrp_instance/);
    expect(a.out).toBe("");
    const b = sim(state, ["import", "--from", file("bad.conf", "virtual_server 192.0.2.10 http {\n    lb_algo rr\n}\n")]);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/bad\.conf:1: not imported: `virtual_server 192\.0\.2\.10 http`: expected an address and a port/);
    expect(b.err).toMatch(/lvsh: import: .*bad\.conf:1: nothing could be imported: its virtual_server could not be imported: `virtual_server 192\.0\.2\.10 http`: expected an address and a port/);
  });
});

const unavailable = keepalivedUnavailable();
// the namespace keepalived -t runs in is made above: removed even when a filter (-t) runs no test of it
afterAll(() => {
  keepalivedCleanup();
});

describe.skipIf(unavailable)(`a pair imported, then exported, passes keepalived -t${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  afterAll(() => {
    expect(keepalivedCleanup()).toBe(true);
  });

  it("writes both directors' files, each accepted without a warning", () => {
    const state = freshStateDir();
    const i = sim(state, ["import", "--from", file("m.conf", MASTER), "--from", file("b.conf", BACKUP)]);
    expect(i.code, i.err).toBe(0);
    const c = sim(state, ["-y", "-c", `${i.out}\ncommit`]);
    expect(c.code, c.err).toBe(0);
    const out = mkdtempSync(join(tmpdir(), "lvsh-kai-out-"));
    const e = sim(state, ["export", "--format", "keepalived", "--to", `${out}/`]);
    expect(e.code, e.err).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual(["keepalived-192.0.2.251.conf", "keepalived-192.0.2.252.conf"]);
    for (const f of files) {
      const k = keepalivedCheck(join(out, f));
      expect(k.out + k.err, f).toBe("");
      expect(k.code, f).toBe(0);
    }
    const master = readFileSync(join(out, files[0]!), "utf8");
    expect(master).toMatch(/state MASTER\n\s+interface eth0\n\s+virtual_router_id 51\n\s+priority 150\n/);
    expect(master).toMatch(/virtual_ipaddress \{\n\s+192\.0\.2\.10\/24 dev eth0\n\s+192\.0\.2\.1\/32 dev eth0\n/);
    // the script says the same: importScript heads it with the notes
    expect(importScript(imported(["m.conf", MASTER], ["b.conf", BACKUP]), "m.conf, b.conf")).toContain("# note (m.conf:6): vrrp_instance VI_1");
    // the directors' own addresses are written (unicast), so the two exported files give the pair back
    expect(master).toMatch(/advert_int 1\n\s+unicast_src_ip 192\.0\.2\.251\n\s+unicast_peer \{\n\s+192\.0\.2\.252\n\s+\}\n/);
    const again = imported(...files.map((f): [string, string] => [f, readFileSync(join(out, f), "utf8")]));
    const pairs = [...again.config.vips.values()].map((v) => v.pair && `${v.addr} ${v.pair.addrs.join(" ")} ${v.pair.priorities.join(" ")} ${v.pair.vrid} ${v.pair.iface}`);
    expect(pairs).toEqual(["192.0.2.10 192.0.2.251 192.0.2.252 150 100 51 eth0", "192.0.2.1 192.0.2.251 192.0.2.252 150 100 51 eth0"]);
    expect(again.notes.filter((n) => n.text.includes("own addresses"))).toEqual([]);
  });
});
