/** `ipvsadm -Sn`/`-S` of the captured table: parsed exactly, printed back byte for byte, round trips. */
import { describe, expect, it } from "vitest";
import type { Dest, IpvsService } from "../../src/model/index.js";
import { formatIpvsadmSave, formatIpvsadmSaveLines, parseIpvsadmLines, parseIpvsadmSave } from "../../src/state/index.js";
import fc from "fast-check";
import { fixture, rng } from "./fixture.js";

const rs = (addr: string, port: number, method: Dest["method"], weight: number, more: Partial<Dest> = {}): Dest => ({
  addr,
  family: addr.includes(":") ? 6 : 4,
  port,
  method,
  weight,
  uThreshold: 0,
  lThreshold: 0,
  ...more,
});
const plain4 = { fwmark: null, family: 4, persistence: null, netmask: 32, flags: [], onePacket: false, pe: null } as const;

/** The 14 services of capture.sh (twos is missing: the 6.1 kernel has no such scheduler). */
const captured: IpvsService[] = [
  { ...plain4, proto: "tcp", addr: "192.0.2.10", port: 80, scheduler: "rr", dests: [rs("192.0.2.21", 80, "dr", 1), rs("192.0.2.22", 80, "dr", 3)] },
  { ...plain4, proto: "tcp", addr: "192.0.2.10", port: 443, scheduler: "wlc", persistence: 600, dests: [rs("192.0.2.21", 443, "dr", 2), rs("192.0.2.22", 443, "dr", 0)] },
  { ...plain4, proto: "tcp", addr: "192.0.2.15", port: 80, scheduler: "ovf", dests: [] },
  { ...plain4, proto: "tcp", addr: "192.0.2.16", port: 80, scheduler: "lblc", dests: [] },
  { ...plain4, proto: "tcp", addr: "192.0.2.17", port: 80, scheduler: "lblcr", dests: [] },
  { ...plain4, proto: "tcp", addr: "192.0.2.18", port: 80, scheduler: "dh", dests: [] },
  {
    ...plain4,
    proto: "tcp",
    addr: "203.0.113.5",
    port: 8443,
    scheduler: "mh",
    flags: ["mh-fallback"],
    dests: [
      rs("192.0.2.41", 8443, "tun", 1, { tunType: "ipip" }),
      rs("192.0.2.42", 8443, "tun", 1, { tunType: "gue", tunPort: 5555, tunCsum: "remcsum" }),
      rs("192.0.2.43", 8443, "tun", 1, { tunType: "gre", tunCsum: "csum" }),
    ],
  },
  { ...plain4, proto: "udp", addr: "192.0.2.10", port: 53, scheduler: "sh", flags: ["sh-fallback", "sh-port"], dests: [rs("198.51.100.5", 5353, "nat", 1)] },
  { ...plain4, proto: "udp", addr: "192.0.2.12", port: 5060, scheduler: "rr", persistence: 60, pe: "sip", dests: [rs("192.0.2.51", 5060, "dr", 1)] },
  { ...plain4, proto: "udp", addr: "192.0.2.13", port: 9999, scheduler: "nq", onePacket: true, dests: [rs("192.0.2.61", 9999, "dr", 1)] },
  { ...plain4, proto: "sctp", addr: "192.0.2.11", port: 3868, scheduler: "lc", dests: [rs("192.0.2.31", 3868, "dr", 1)] },
  { ...plain4, proto: "tcp", addr: "2001:db8::10", port: 80, family: 6, netmask: 128, scheduler: "sed", dests: [rs("2001:db8::21", 80, "dr", 5)] },
  { ...plain4, proto: null, addr: null, port: 0, fwmark: 7, scheduler: "wrr", persistence: 120, netmask: 24, dests: [rs("198.51.100.6", 0, "nat", 4)] },
  { ...plain4, proto: null, addr: null, port: 0, fwmark: 9, family: 6, netmask: 128, scheduler: "fo", dests: [rs("2001:db8::22", 0, "dr", 1)] },
];

describe("parseIpvsadmSave on the captured table", () => {
  it("reads ipvsadm -Sn into every service and real server, exactly", () => {
    const { services, problems } = parseIpvsadmSave(fixture("ipvsadm-Sn.txt"));
    expect(problems).toEqual([]);
    expect(services).toStrictEqual(captured);
  });

  it("reads ipvsadm -S (ports as service names) into the same table", () => {
    const { services, problems } = parseIpvsadmSave(fixture("ipvsadm-S-names.txt"));
    expect(problems).toEqual([]);
    expect(services).toStrictEqual(captured);
  });

  it("leaves the tunnel fields out (not undefined) for dr and nat", () => {
    const { services } = parseIpvsadmSave(fixture("ipvsadm-Sn.txt"));
    const dests = services.flatMap((s) => s.dests).filter((d) => d.method !== "tun");
    expect(dests.length).toBe(11);
    for (const d of dests) expect(Object.keys(d).filter((k) => k.startsWith("tun"))).toEqual([]);
  });
});

describe("formatIpvsadmSave", () => {
  it("prints the captured table exactly as ipvsadm -Sn printed it", () => {
    const text = fixture("ipvsadm-Sn.txt");
    expect(formatIpvsadmSave(parseIpvsadmSave(text).services)).toBe(text);
  });

  it("gives the same lines without newlines for JSON", () => {
    const text = fixture("ipvsadm-Sn.txt");
    expect(formatIpvsadmSaveLines(captured)).toEqual(text.trimEnd().split("\n"));
  });

  it("prints an empty table as nothing", () => {
    expect(formatIpvsadmSave([])).toBe("");
  });

  it("prints what -S prints and nothing else: the weight always, never -x/-y, a tunnel's type always", () => {
    const svc: IpvsService = { ...captured[0]!, dests: [rs("192.0.2.21", 80, "dr", 1, { uThreshold: 100, lThreshold: 10 }), rs("192.0.2.22", 80, "tun", 1)] };
    expect(formatIpvsadmSaveLines([svc])).toEqual([
      "-A -t 192.0.2.10:80 -s rr",
      "-a -t 192.0.2.10:80 -r 192.0.2.21:80 -g -w 1",
      "-a -t 192.0.2.10:80 -r 192.0.2.22:80 -i -w 1 --tun-type ipip",
    ]);
  });

  it("orders the options like ipvsadm 1.31: -p, -M, --pe, -o, -b", () => {
    const svc: IpvsService = { ...plain4, proto: null, addr: null, port: 0, fwmark: 3, scheduler: "sh", persistence: 30, netmask: 16, pe: "sip", onePacket: true, flags: ["sh-port", "sh-fallback"], dests: [] };
    expect(formatIpvsadmSaveLines([svc])).toEqual(["-A -f 3 -s sh -p 30 -M 255.255.0.0 --pe sip -o -b sh-fallback,sh-port"]);
    const v6: IpvsService = { ...svc, family: 6, netmask: 64, pe: null, onePacket: false, flags: [] };
    expect(formatIpvsadmSaveLines([v6])).toEqual(["-A -f 3 -6 -s sh -p 30 -M 64"]);
  });

  it("writes no -M for a mask that is not used (not persistent) or per client", () => {
    const a: IpvsService = { ...captured[0]!, netmask: 32, persistence: 5, dests: [] };
    expect(formatIpvsadmSaveLines([a])).toEqual(["-A -t 192.0.2.10:80 -s rr -p 5"]);
  });
});

/* ---------------- round trips on generated tables ---------------- */

const SCHEDULERS = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh"];

function genDest(r: ReturnType<typeof rng>, svc: Omit<IpvsService, "dests">, i: number): Dest {
  const method = r.pick(["dr", "nat", "tun"] as const);
  const family = method === "tun" && r.int(0, 3) === 0 ? (svc.family === 4 ? 6 : 4) : svc.family;
  const addr = family === 4 ? `198.51.100.${i + 1}` : `2001:db8:0:1::${(i + 1).toString(16)}`;
  const port = svc.fwmark === null && method !== "nat" ? svc.port : svc.fwmark === null ? r.int(1, 65535) : r.pick([0, 0, 8080]);
  const d: Dest = { addr, family, port, method, weight: r.int(0, 65535), uThreshold: 0, lThreshold: 0 };
  if (method !== "tun") return d;
  const tunType = r.pick(["ipip", "gue", "gre"] as const);
  if (tunType === "ipip") return { ...d, tunType };
  const tunCsum = tunType === "gue" ? r.pick(["nocsum", "csum", "remcsum"] as const) : r.pick(["nocsum", "csum"] as const);
  return tunType === "gue" ? { ...d, tunType, tunPort: r.int(1, 65535), tunCsum } : { ...d, tunType, tunCsum };
}

function genService(r: ReturnType<typeof rng>, i: number): IpvsService {
  const kind = r.pick(["tcp", "udp", "sctp", "fwmark"] as const);
  const family = r.bool() ? 4 : 6;
  const scheduler = r.pick(SCHEDULERS);
  const persistence = r.bool() ? r.int(1, 86400) : null;
  const id =
    kind === "fwmark"
      ? { proto: null, addr: null, port: 0, fwmark: i + 1 }
      : { proto: kind, addr: family === 4 ? `192.0.2.${i + 1}` : `2001:db8::${(i + 1).toString(16)}`, port: persistence && r.int(0, 4) === 0 ? 0 : r.int(1, 65535), fwmark: null };
  const maxMask = family === 4 ? 32 : 128;
  const flags = scheduler === "sh" || scheduler === "mh" ? [`${scheduler}-fallback`, `${scheduler}-port`].filter(() => r.bool()) : [];
  const base = {
    ...id,
    family,
    scheduler,
    persistence,
    netmask: persistence === null ? maxMask : r.int(1, maxMask),
    flags,
    onePacket: (kind === "udp" || kind === "fwmark") && r.bool(),
    pe: persistence !== null && r.bool() ? "sip" : null,
  } as const;
  const n = r.int(0, 4);
  return { ...base, dests: Array.from({ length: n }, (_, j) => genDest(r, base, j)) };
}

describe("round trips", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])("parse(format(table)) = table for generated table #%i", (seed) => {
    const r = rng(seed);
    const table = Array.from({ length: r.int(1, 12) }, (_, i) => genService(r, i));
    const text = formatIpvsadmSave(table);
    const back = parseIpvsadmSave(text);
    expect(back.problems, text).toEqual([]);
    expect(back.services, text).toStrictEqual(table);
    expect(formatIpvsadmSave(back.services)).toBe(text);
  });

  it("parse(format(captured)) = captured", () => {
    expect(parseIpvsadmSave(formatIpvsadmSave(captured)).services).toStrictEqual(captured);
  });
});

describe("the plain real-server lines read without splitting them (a 10,000-line table)", () => {
  const generic = (text: string) =>
    parseIpvsadmLines(text.split("\n").filter((l, i, a) => i < a.length - 1 || l !== "").map((t, i) => ({ line: i + 1, text: t.endsWith("\r") ? t.slice(0, -1) : t, words: t.trim().split(/\s+/).filter((w) => w !== "") })));

  it("gives what the reader of every form gives (random tables, odd values too)", () => {
    const addr = fc.constantFrom("192.0.2.10", "192.0.2.2", "10.0.1.250", "010.0.0.1", "256.1.1.1", "1.2.3", "0.0.0.0");
    const port = fc.constantFrom("80", "8080", "0", "65535", "65536", "080", "99999");
    const weight = fc.constantFrom("0", "1", "65535", "65536", "007");
    const line = fc.oneof(
      fc.tuple(fc.constantFrom("t", "u"), addr, port).map(([p, a, n]) => `-A -${p} ${a}:${n} -s rr`),
      fc
        .tuple(fc.constantFrom("t", "u"), addr, port, addr, port, fc.constantFrom("g", "m", "i"), weight, fc.constantFrom("", " ", " -x 5"))
        .map(([p, a, n, r, rn, m, w, tail]) => `-a -${p} ${a}:${n} -r ${r}:${rn} -${m} -w ${w}${tail}`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const text = lines.map((l) => `${l}\n`).join("");
        expect(parseIpvsadmSave(text)).toEqual(generic(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("reads a whole table of plain lines as the reader of every form does", () => {
    const lines: string[] = [];
    for (let s = 0; s < 20; s++) {
      lines.push(`-A -t 10.0.0.1:${10000 + s} -s wrr`);
      for (let r = 0; r < 50; r++) lines.push(`-a -t 10.0.0.1:${10000 + s} -r 10.0.${1 + Math.floor(r / 250)}.${1 + (r % 250)}:${10000 + s} -${r % 7 ? "g" : "m"} -w ${1 + (r % 5)}`);
    }
    const text = lines.join("\n") + "\n";
    const fast = parseIpvsadmSave(text);
    expect(fast.problems).toEqual([]);
    expect(fast.services).toHaveLength(20);
    expect(fast).toEqual(generic(text));
  });
});
