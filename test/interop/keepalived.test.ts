/**
 * `lvsh export --format keepalived`: every file it writes passes the real
 * `keepalived -t -f FILE` with exit 0 and not a word of warning; and what it
 * writes means what the lvsh configuration means (keepalived's own defaults
 * are written out). Without keepalived installed these tests skip, saying why.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importFiles, keepalivedDocs } from "../../src/interop/index.js";
import type { Config, HealthCheck } from "../../src/model/index.js";
import { sim } from "../helpers/cli.js";
import { keepalivedCheck, keepalivedCleanup, keepalivedUnavailable } from "../helpers/keepalived.js";
import { load, plain, SEED } from "../helpers/load.js";
import { freshStateDir } from "../helpers/sim.js";

const unavailable = keepalivedUnavailable();
const EVERY = new URL("../fixtures/interop/every-option.lvsh", import.meta.url).pathname;
const tmp = () => mkdtempSync(join(tmpdir(), "lvsh-ka-"));

/** Commits a script on a fresh simulated target, then exports its revision to DIR. */
function exported(src: string): { dir: string; files: string[]; err: string } {
  const state = freshStateDir();
  const c = sim(state, ["-y", "-c", `${src}; commit`]);
  expect(c.code, c.err).toBe(0);
  const dir = tmp();
  const r = sim(state, ["export", "--format", "keepalived", "--to", `${dir}/`]);
  expect(r.code, r.err).toBe(0);
  return { dir, files: readdirSync(dir).sort().map((f) => join(dir, f)), err: r.err };
}

describe.skipIf(unavailable)(`keepalived -t on the exported files${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  afterAll(() => {
    expect(keepalivedCleanup()).toBe(true);
  });

  it("accepts the seed with `check http / expect 200` without a warning", () => {
    const { files } = exported(`${SEED}; check http / expect 200`);
    expect(files.map((f) => f.replace(/.*\//, ""))).toEqual(["keepalived.conf"]);
    const r = keepalivedCheck(files[0]!);
    expect(r.out + r.err).toBe("");
    expect(r.code).toBe(0);
    const text = readFileSync(files[0]!, "utf8");
    expect(text).toContain("virtual_server 172.25.254.10 80 {\n    lb_algo rr\n    lb_kind DR\n    protocol TCP\n");
    expect(text).toMatch(/real_server 172\.25\.254\.2 80 \{\n\s+weight 1\n\s+HTTP_GET \{\n\s+url \{\n\s+path \/\n\s+status_code 200\n/);
    expect(text).not.toContain("persistence_timeout");
  });

  it("writes one file per director of a `director pair`, each with its vrrp_instance, each accepted", () => {
    const { files } = exported(`${SEED}; check http / expect 200; director pair .251 .252`);
    expect(files.map((f) => f.replace(/.*\//, ""))).toEqual(["keepalived-172.25.254.251.conf", "keepalived-172.25.254.252.conf"]);
    for (const f of files) {
      const r = keepalivedCheck(f);
      expect(r.out + r.err, f).toBe("");
      expect(r.code).toBe(0);
    }
    const [master, backup] = files.map((f) => readFileSync(f, "utf8"));
    expect(master).toMatch(/vrrp_instance lvsh_eth0_51 \{\n\s+state MASTER\n\s+interface eth0\n\s+virtual_router_id 51\n\s+priority 150\n\s+advert_int 1\n\s+unicast_src_ip 172\.25\.254\.251\n\s+unicast_peer \{\n\s+172\.25\.254\.252\n\s+\}\n\s+virtual_ipaddress \{\n\s+172\.25\.254\.10\/32 dev eth0\n/);
    expect(backup).toMatch(/state BACKUP\n\s+interface eth0\n\s+virtual_router_id 51\n\s+priority 100\n/);
    for (const t of [master, backup]) expect(t).toContain("virtual_server 172.25.254.10 80 {");
  });

  it("accepts every option of the language, IPv6, fwmark and two VRRP instances", () => {
    const dir = tmp();
    const r = sim(freshStateDir(), ["export", "--format", "keepalived", "--to", dir, EVERY]);
    expect(r.code, r.err).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(["keepalived-192.0.2.251.conf", "keepalived-192.0.2.252.conf"]);
    for (const f of files) {
      const k = keepalivedCheck(join(dir, f));
      expect(k.out + k.err, f).toBe("");
      expect(k.code, f).toBe(0);
    }
    const text = readFileSync(join(dir, files[0]!), "utf8");
    expect(text).toContain("vrrp_instance lvsh_eth0_7 {");
    expect(text).toContain("vrrp_instance lvsh_eth0_7_v6 {");
    expect(text).toMatch(/virtual_ipaddress \{\n\s+192\.0\.2\.10\/32 dev eth0\n\s+203\.0\.113\.5\/32 dev eth0\n\s+\}/);
    // the IPv4 instance names the directors (unicast); the IPv6 one cannot (keepalived takes no IPv4 unicast_src_ip for IPv6 VIPs)
    expect(text).toMatch(/vrrp_instance lvsh_eth0_7 \{[^}]*unicast_src_ip 192\.0\.2\.251\n\s+unicast_peer \{\n\s+192\.0\.2\.252\n/);
    expect(text).not.toMatch(/vrrp_instance lvsh_eth0_7_v6 \{[^}]*unicast/);
    // imported again, every VIP has its pair back, the IPv6 ones through the files' other instance
    const again = importFiles(files.map((f) => ({ name: f, text: readFileSync(join(dir, f), "utf8") })));
    if ("error" in again) throw new Error(again.error);
    const pairs = [...again.config.vips.values()].map((v) => `${v.addr}: ${v.pair ? `${v.pair.addrs.join(" ")} ${v.pair.priorities.join(" ")} ${v.pair.vrid}` : "none"}`);
    expect(pairs).toEqual(["192.0.2.10: 192.0.2.251 192.0.2.252 200 100 7", "203.0.113.5: 192.0.2.251 192.0.2.252 200 100 7", "2001:db8::10: 192.0.2.251 192.0.2.252 200 100 7"]);
    expect(again.notes.filter((n) => n.kind === "lost" && n.text.includes("VRRP"))).toEqual([]);
  });

  it("accepts `sync daemon` as each director's lvs_sync_daemon in global_defs", () => {
    const dir = tmp();
    const src = `engine keepalived; ${SEED}; check tcp; director pair .251 .252; sync daemon on eth0 id 7`;
    expect(load(src).errors).toEqual([]);
    const { docs } = keepalivedDocs(load(src).config, "t.lvsh");
    expect(docs.map((d) => d.name)).toEqual(["keepalived-172.25.254.251.conf", "keepalived-172.25.254.252.conf"]);
    for (const d of docs) {
      expect(d.text).toMatch(/global_defs \{\n\s+router_id lvsh_172_25_254_25[12]\n\s+lvs_sync_daemon eth0 lvsh_eth0_51 id 7\n\}/);
      const f = join(dir, d.name);
      writeFileSync(f, d.text);
      const r = keepalivedCheck(f);
      expect(r.out + r.err, f).toBe("");
      expect(r.code, f).toBe(0);
    }
  });

  it("accepts a file with a warning-free NAT, sorry server and quorum set", () => {
    const { files } = exported("vip 192.0.2.10 on eth0; service :80 wlc persistent; add rs .21 .22 nat weight 2; check tcp every 3; sorry server .99:8080; quorum 3; inhibit on failure");
    const r = keepalivedCheck(files[0]!);
    expect(r.out + r.err).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("the keepalived export (without keepalived)", () => {
  const doc = (src: string) => keepalivedDocs(load(src).config, "t.lvsh");
  const text = (src: string) => doc(src).docs.map((d) => d.text).join("\n");

  it("always states lb_kind, lb_algo and protocol; persistence only when persistent", () => {
    const t = text("vip 192.0.2.10; service :80; add rs .2 nat; service udp :53 rr persistent; add rs .3 nat");
    expect(t).toMatch(/virtual_server 192\.0\.2\.10 80 \{\n\s+lb_algo wlc\n\s+lb_kind NAT\n\s+protocol TCP\n\s+real_server/);
    expect(t).toMatch(/virtual_server 192\.0\.2\.10 53 \{\n\s+lb_algo rr\n\s+lb_kind NAT\n\s+protocol UDP\n\s+persistence_timeout 360\n/);
  });

  it("writes fwmark services without a protocol (keepalived ignores it there), IPv6 with ip_family", () => {
    const t = text("service fwmark 7 rr; add rs 192.0.2.5; service fwmark 9 ipv6 rr; add rs 2001:db8::5");
    expect(t).toMatch(/virtual_server fwmark 7 \{\n\s+lb_algo rr\n\s+lb_kind DR\n\s+real_server 192\.0\.2\.5 0 \{/);
    expect(t).toMatch(/virtual_server fwmark 9 \{\n\s+lb_algo rr\n\s+lb_kind DR\n\s+ip_family inet6\n/);
  });

  it("leaves out, and says so, what keepalived would ignore or cannot do", () => {
    const r = doc(`${SEED}; service :443 rr`);
    expect(r.docs[0]!.text).not.toContain(" 443 {");
    expect(r.notes.join("\n")).toMatch(/tcp 172\.25\.254\.10:443 has no real servers: keepalived ignores/);
    expect(r.notes.join("\n")).toMatch(/ARP hiding .* is not keepalived's/);
  });

  it("writes `sync daemon` as lvs_sync_daemon IFACE INSTANCE [id N]: the director's first instance", () => {
    const two = "vip 192.0.2.10 on eth0; service :80 rr; add rs .2 nat; director pair .251 .252 vrid 9; vip 192.0.2.11 on eth0; service :80 rr; add rs .3 nat; director pair .251 .253 vrid 8";
    const r = doc(`engine keepalived; ${two}; sync daemon on eth1`);
    const byName = Object.fromEntries(r.docs.map((d) => [d.name, d.text]));
    expect(byName["keepalived-192.0.2.251.conf"]).toContain("global_defs {\n    router_id lvsh_192_0_2_251\n    lvs_sync_daemon eth1 lvsh_eth0_9\n}");
    expect(byName["keepalived-192.0.2.251.conf"]).toContain("vrrp_instance lvsh_eth0_8 {");
    expect(byName["keepalived-192.0.2.253.conf"]).toContain("    lvs_sync_daemon eth1 lvsh_eth0_8\n");
    expect(text(`engine keepalived; ${SEED}; director pair .251 .252; sync daemon on eth1 id 255`)).toContain("    lvs_sync_daemon eth1 lvsh_eth0_51 id 255\n");
    expect(text(`engine keepalived; ${SEED}; director pair .251 .252`)).not.toContain("lvs_sync_daemon");
  });

  it("leaves `sync daemon` out without a director pair, and says so", () => {
    const r = doc(`engine keepalived; ${SEED}; sync daemon on eth1`);
    expect(r.docs.map((d) => d.text).join("")).not.toContain("lvs_sync_daemon");
    expect(r.notes.join("\n")).toContain("`sync daemon` needs a `director pair`");
  });

  it("quotes a path with blanks, and writes a real server's own check", () => {
    const t = text(`${SEED}; check http "/a b" expect 200,301-302; check none rs .3`);
    expect(t).toContain('path "/a b"\n');
    expect(t).toContain("status_code 200 301-302\n");
    expect(t).toMatch(/real_server 172\.25\.254\.3 80 \{\n\s+weight 1\n\s+\}/);
  });
});

/** Per service: its settings, and each real server with the check it gets (its own, else the service's). */
function effective(c: Config): unknown {
  const checkOf = (x: HealthCheck | undefined) => (x && x.kind !== "none" ? x : undefined);
  return [...c.services.values()]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((s) => {
      const { check, vip: _v, reals, ...rest } = s;
      return plain({ ...rest, reals: new Map([...reals].map(([k, r]) => [k, { ...r, check: checkOf(r.check ?? check) }])) } as unknown as Config);
    });
}

describe("keepalived -> lvsh -> keepalived", () => {
  it("imports an exported file back to the same services, checks, sorry servers and quorums", () => {
    const src = readFileSync(EVERY, "utf8");
    const original = load(src).config;
    for (const d of keepalivedDocs(original, "every-option.lvsh").docs) {
      const r = importFiles([{ name: d.name, text: d.text }]);
      if ("error" in r) throw new Error(r.error);
      expect(effective(r.config)).toEqual(effective(original));
      // only VRRP is reported: the pair needs both directors, the file has one
      expect(r.notes.filter((n) => n.kind === "lost").map((n) => n.text.replace(/ \(.*/, ""))).toEqual(["`global_defs { ... }`: lvsh has no such setting", "vrrp_instance lvsh_eth0_7", "vrrp_instance lvsh_eth0_7_v6"]);
    }
  });
});
