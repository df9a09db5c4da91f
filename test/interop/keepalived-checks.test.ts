/**
 * Every checker kind lvsh can say (udp, smtp, ping, dns, misc besides http,
 * https, tcp): evaluation, the keepalived blocks it exports to (which the real
 * `keepalived -t` accepts), the import of those blocks with their common
 * options, and what cannot be said (FILE_CHECK, BFD_CHECK, extra urls,
 * digest) noted, with the real servers left without a checker named.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { importFiles, keepalivedDocs } from "../../src/interop/index.js";
import { printConfig, type Config } from "../../src/model/index.js";
import { keepalivedCheck, keepalivedCleanup, keepalivedUnavailable } from "../helpers/keepalived.js";
import { expectRoundTrip, load, SEED } from "../helpers/load.js";

const unavailable = keepalivedUnavailable();
const svc = (src: string, key = "tcp 172.25.254.10:80") => load(src).config.services.get(key)!;
const exportText = (src: string) => {
  const l = load(src);
  expect(l.errors).toEqual([]);
  return keepalivedDocs(l.config, "t.lvsh").docs.map((d) => d.text).join("\n");
};
const imported = (text: string) => {
  const r = importFiles([{ name: "keepalived.conf", text }]);
  if ("error" in r) throw new Error(r.error);
  return r;
};
const at = (src: string, code: string) => {
  const d = load(src).diagnostics.find((x) => x.code === code);
  return d && `${d.severity} ${d.span!.line}:${d.span!.col}`;
};

const ALL = [
  SEED,
  "add rs .4",
  "check udp port 5353 timeout 4 rs .2",
  "check smtp helo lb1.example.com port 25 retry 2 rs .3",
  "check ping every 2 timeout 1 rs .4",
  "service udp :53 rr",
  "add rs .2 .3",
  "check dns www.example.com type A every 3",
  "check dns . rs .3",
  "service :8080 rr",
  "add rs .2 .3 .4",
  'check misc "/bin/sh -c \'exit 0\'" timeout 3 dynamic every 5 retry 0',
  "check misc /bin/true rs .4",
].join("; ");

describe("check udp, smtp, ping, dns, misc", () => {
  it("evaluates each with lvsh's defaults and its own", () => {
    const s = svc(ALL);
    expect(s.reals.get("172.25.254.2:80")!.check).toEqual({ kind: "udp", every: 10, timeout: 4, retry: 1, port: 5353 });
    expect(s.reals.get("172.25.254.3:80")!.check).toEqual({ kind: "smtp", helo: "lb1.example.com", every: 10, timeout: 5, retry: 2, port: 25 });
    expect(s.reals.get("172.25.254.4:80")!.check).toEqual({ kind: "ping", every: 2, timeout: 1, retry: 1, port: null });
    const dns = svc(ALL, "udp 172.25.254.10:53");
    expect(dns.check).toEqual({ kind: "dns", name: "www.example.com", type: "A", every: 3, timeout: 5, retry: 1, port: null });
    expect(dns.reals.get("172.25.254.3:53")!.check).toMatchObject({ kind: "dns", name: ".", type: "SOA" });
    const misc = svc(ALL, "tcp 172.25.254.10:8080");
    expect(misc.check).toEqual({ kind: "misc", command: "/bin/sh -c 'exit 0'", timeout: 3, dynamic: true, every: 5, retry: 0, port: null });
    expect(misc.reals.get("172.25.254.4:8080")!.check).toEqual({ kind: "misc", command: "/bin/true", timeout: null, dynamic: false, every: 10, retry: 1, port: null });
  });

  it("prints each back to a script that evaluates to the same", () => {
    expectRoundTrip(ALL);
    const text = printConfig(load(ALL).config);
    expect(text).toContain("check misc \"/bin/sh -c 'exit 0'\" every 5 timeout 3 retry 0 dynamic\n");
    expect(text).toContain("check dns www.example.com every 3 type A\n");
    expect(text).toContain("check smtp retry 2 port 25 helo lb1.example.com rs .3\n");
  });

  it("needs a port for a fwmark service's real servers, except to ping or run a program", () => {
    expect(at("service fwmark 7 rr; add rs 192.0.2.5; check udp", "check-needs-port")).toBe("error 1:40");
    expect(at("service fwmark 7 rr; add rs 192.0.2.5; check dns example.com rs 192.0.2.5", "check-needs-port")).toBe("error 1:65");
    expect(load("service fwmark 7 rr; add rs 192.0.2.5; check ping; check misc /bin/true rs 192.0.2.5").errors).toEqual([]);
  });

  it("refuses options another kind takes, a misc check without a program, an unknown query type", () => {
    const col = SEED.length + 3;
    expect(at(`${SEED}; check ping port 80`, "check-option-invalid")).toBe(`error 1:${col + 11}`);
    expect(at(`${SEED}; check tcp dynamic`, "check-option-invalid")).toBe(`error 1:${col + 10}`);
    expect(at(`${SEED}; check misc " "`, "invalid-misc-command")).toBe(`error 1:${col + 11}`);
    expect(at(`${SEED}; check dns example.com type ANY`, "invalid-dns-type")).toBe(`error 1:${col + 27}`);
    expect(load(`${SEED}; check dns example.com type AXFR`).diagnostics[0]!.message).toContain("is not a DNS query type");
  });
});

describe("export to keepalived's checkers", () => {
  const t = exportText(ALL);

  it("writes each kind to its own block with its options", () => {
    expect(t).toMatch(/real_server 172\.25\.254\.2 80 \{\n\s+weight 1\n\s+UDP_CHECK \{\n\s+connect_port 5353\n\s+connect_timeout 4\n\s+retry 1\n\s+delay_loop 10\n\s+\}/);
    expect(t).toMatch(/SMTP_CHECK \{\n\s+helo_name lb1\.example\.com\n\s+connect_port 25\n\s+connect_timeout 5\n\s+retry 2\n/);
    expect(t).toMatch(/PING_CHECK \{\n\s+connect_timeout 1\n\s+retry 1\n\s+delay_loop 2\n\s+\}/);
    expect(t).toMatch(/DNS_CHECK \{\n\s+type A\n\s+name www\.example\.com\n\s+connect_timeout 5\n\s+retry 1\n/);
    // the root is keepalived's default name
    expect(t).toMatch(/DNS_CHECK \{\n\s+type SOA\n\s+connect_timeout 5\n/);
    expect(t).toMatch(/MISC_CHECK \{\n\s+misc_path "\/bin\/sh -c 'exit 0'"\n\s+misc_timeout 3\n\s+misc_dynamic\n\s+retry 0\n/);
    // a program has no connection: no connect_timeout
    expect(t).toMatch(/MISC_CHECK \{\n\s+misc_path "\/bin\/true"\n\s+retry 1\n\s+delay_loop 10\n\s+\}/);
  });

  it("imports back to the same checks (lvsh -> keepalived -> lvsh -> keepalived is stable)", () => {
    const original = load(ALL).config;
    const r = imported(exportText(ALL));
    expect(effective(r.config)).toEqual(effective(original));
    // the script security the misc checks need is keepalived's alone
    expect(r.notes.filter((n) => n.kind === "lost").map((n) => n.text)).toEqual(["`global_defs { ... }`: lvsh has no such setting"]);
    const again = keepalivedDocs(r.config, "again").docs[0]!.text;
    expect(again.replace(/^#.*\n/gm, "")).toBe(exportText(ALL).replace(/^#.*\n/gm, ""));
  });

  it("turns on script security for misc checks (keepalived warns otherwise), and says what that asks of the programs", () => {
    expect(t).toMatch(/^global_defs \{\n\s+enable_script_security\n\s+script_user root\n\}/m);
    expect(keepalivedDocs(load(ALL).config, "t").notes.join("\n")).toContain("writable by root only");
    expect(exportText(`${SEED}; check ping`)).not.toContain("global_defs");
  });
});

/** Each real server's effective check (its own, else the service's), by service. */
function effective(c: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of c.services.values()) for (const r of s.reals.values()) out[`${s.key} ${r.key}`] = r.check ?? s.check ?? null;
  return out;
}

describe.skipIf(unavailable)(`keepalived -t on every checker kind${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  afterAll(() => {
    expect(keepalivedCleanup()).toBe(true);
  });

  it("accepts the exported UDP_CHECK, SMTP_CHECK, PING_CHECK, DNS_CHECK and MISC_CHECK without a warning", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsh-kachk-"));
    const file = join(dir, "keepalived.conf");
    writeFileSync(file, exportText(ALL));
    const r = keepalivedCheck(file);
    expect(r.out + r.err).toBe("");
    expect(r.code).toBe(0);
  });
});

const WILD = `global_defs {
    enable_script_security
}
virtual_server 192.0.2.10 53 {
    delay_loop 15
    lb_algo rr
    lb_kind DR
    protocol UDP
    real_server 192.0.2.21 53 {
        weight 1
        retry 4
        DNS_CHECK {
            type aaaa
            name www.example.com
            connect_timeout 2
        }
    }
    real_server 192.0.2.22 53 {
        weight 1
        DNS_CHECK {
            connect_port 5353
            delay_before_retry 1
        }
    }
    real_server 192.0.2.23 53 {
        weight 1
        UDP_CHECK {
            nb_get_retry 2
            payload 0a0b
            require_reply
            connect_timeout 4
        }
    }
}
virtual_server 192.0.2.10 25 {
    lb_algo wlc
    lb_kind NAT
    protocol TCP
    connect_timeout 7
    real_server 192.0.2.21 25 {
        weight 2
        SMTP_CHECK {
            helo_name "mx-check.example.com"
            host {
                connect_ip 192.0.2.121
            }
        }
    }
    real_server 192.0.2.22 25 {
        weight 2
        FILE_CHECK {
            track_file mail_up
        }
        PING_CHECK {
            delay_loop 3
            connect_port 25
        }
    }
    real_server 192.0.2.23 25 {
        weight 2
        BFD_CHECK {
            name mx3
        }
    }
}
virtual_server 192.0.2.10 80 {
    delay_loop 5
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 192.0.2.21 80 {
        weight 1
        MISC_CHECK {
            misc_path /usr/local/bin/check-web --strict
            misc_timeout 4
            misc_dynamic
            user nobody
        }
    }
    real_server 192.0.2.22 80 {
        weight 1
        MISC_CHECK {
            misc_path "/usr/local/bin/check-web --port 80 'a b'"
            retry 2
        }
    }
    real_server 192.0.2.23 80 {
        weight 1
        HTTP_GET {
            url {
                path /health
                digest 9b3a0c85a887a256d6939da88aabd8cd
            }
            url {
                path /ready
                status_code 200
            }
            nb_get_retry 3
        }
    }
}
`;

describe("import of keepalived's checkers", () => {
  const r = imported(WILD);
  const text = printConfig(r.config);
  const note = (line: number) => r.notes.filter((n) => n.line === line).map((n) => n.text);

  it("reads each kind with its options and keepalived's defaults (misc retry 0, dns retry 3 unless the real server says)", () => {
    expect(text).toBe(
      [
        "vip 192.0.2.10",
        "service udp :53 rr",
        "add rs .21 .22 .23 dr",
        "check dns www.example.com every 15 timeout 2 retry 4 type AAAA rs .21",
        "check dns . every 15 retry 3 port 5353 rs .22",
        "check udp every 15 timeout 4 rs .23",
        "service :25 wlc",
        "add rs .21 .22 .23 nat weight 2",
        "check smtp every 60 timeout 7 helo mx-check.example.com rs .21",
        "check ping every 3 timeout 7 rs .22",
        "service :80 rr",
        "add rs .21 .22 .23 dr",
        'check misc /usr/local/bin/check-web every 5 timeout 4 retry 0 dynamic rs .21',
        "check misc \"/usr/local/bin/check-web --port 80 'a b'\" every 5 retry 2 rs .22",
        "check http /health every 5 retry 3 rs .23",
        "",
      ].join("\n"),
    );
    expect(load(text).errors).toEqual([]);
  });

  it("notes precisely what cannot be said", () => {
    expect(note(28)[0]).toMatch(/^`nb_get_retry` in UDP_CHECK: keepalived does not know it there \(it is HTTP_GET's and SSL_GET's old name for retry\) and ignores it/);
    expect(note(29)).toEqual(["`payload 0a0b` in UDP_CHECK: lvsh's udp check sends no payload of its own (keepalived sends random bytes)"]);
    expect(note(30)[0]).toContain("does not ask for a reply");
    expect(note(44)).toEqual(["`host` in SMTP_CHECK: a deprecated host block; lvsh checks the real server itself"]);
    expect(note(51)).toEqual(["`FILE_CHECK` cannot be said in lvsh: it follows a track_file's value; lvsh has no tracked files"]);
    expect(note(56)).toEqual(["`connect_port 25` in PING_CHECK: a ping has no port"]);
    expect(note(61)).toEqual(["`BFD_CHECK` cannot be said in lvsh: it follows a BFD session; lvsh has no BFD"]);
    expect(note(59)).toEqual(["real server 192.0.2.23 25 of 192.0.2.10:25: none of its checkers could be imported, so it has no check there; keepalived (as lvsh exports it) will then never take it out of that service"]);
    expect(note(74)).toEqual(["`misc_path /usr/local/bin/check-web --strict`: keepalived runs `/usr/local/bin/check-web` only (quote the whole command line to pass arguments)"]);
    expect(note(77)).toEqual(["`user nobody` in MISC_CHECK: lvsh's misc check runs as keepalived's default script user"]);
    expect(note(92)).toEqual(["`digest 9b3a0c85a887a256d6939da88aabd8cd` of the url /health: lvsh's check compares the status code only, not the page's digest"]);
    expect(note(94)).toEqual(["HTTP_GET with 2 urls: lvsh checks the first (/health) only; keepalived also checked /ready"]);
    // the real server with FILE_CHECK then PING_CHECK keeps the ping and says the file check is gone
    expect(text).toContain("check ping every 3 timeout 7 rs .22");
  });
});
