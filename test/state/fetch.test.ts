/** Reading a host: what its tools print becomes its state; what cannot be read is said, located, never dropped. */
import { describe, expect, it } from "vitest";
import { DryRunExecutor, type ExecResult } from "../../src/exec/index.js";
import { readState, unreadable } from "../../src/state/index.js";
import { renderDiagnostics } from "../../src/lang/index.js";

/** An executor that answers from a table of outputs. */
class Answers extends DryRunExecutor {
  constructor(host: string, private readonly out: Record<string, ExecResult>) {
    super(host);
  }
  override async run(argv: readonly string[]): Promise<ExecResult> {
    return this.out[argv.join(" ")] ?? { exitCode: 0, stdout: "", stderr: "", ms: 0 };
  }
}

const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: "", ms: 0 });

describe("readState", () => {
  it("says a line of ipvsadm -Sn it cannot read as a located state-unparsed warning of that host", async () => {
    const exec = new Answers("director", {
      "ip -j addr show": ok("[]"),
      "ipvsadm -Sn": ok("-A -t 192.0.2.10:80 -s rr\n-Z what is this\n"),
      "ipvsadm -Ln --thresholds": ok(""),
    });
    const r = await readState(() => exec, [{ host: "director", ipvs: true, arp: false, sysctlKeys: [] }]);
    expect(r.errors).toEqual([]);
    expect(r.notes.map((n) => [n.code, n.severity, n.host])).toEqual([["state-unparsed", "warning", "director"]]);
    expect(renderDiagnostics(r.notes, () => undefined)).toMatch(/^director: warning: ipvsadm -Sn line 2: .*-Z what is this/);
    expect(r.state.hosts.director!.ipvs).toHaveLength(1);
  });

  it("says a host that cannot be read as a host-unreadable diagnostic naming it and how it is reached", async () => {
    const exec = new Answers("192.0.2.2", { "ip -j addr show": { exitCode: 255, stdout: "", stderr: "ssh: connect to host 192.0.2.2 port 22: Connection refused\n", ms: 0 } });
    const r = await readState(() => exec, [{ host: "192.0.2.2", ipvs: false, arp: true, sysctlKeys: [] }]);
    const d = unreadable(r.errors[0]!, "ssh root@192.0.2.2", "error");
    expect(d).toMatchObject({ code: "host-unreadable", severity: "error", host: "192.0.2.2 (ssh root@192.0.2.2)" });
    expect(d.message).toContain("`ip -j addr show` failed: ssh: connect to host 192.0.2.2 port 22: Connection refused");
  });

  it("reads the table a commit expects as the parser would, and the kernel's own table when a line differs (expectIpvs)", async () => {
    const text = "-A -t 192.0.2.10:80 -s rr\n-a -t 192.0.2.10:80 -r 192.0.2.3:80 -g -w 2\n-a -t 192.0.2.10:80 -r 192.0.2.2:80 -g -w 1\n";
    const exec = new Answers("director", { "ip -j addr show": ok("[]"), "ipvsadm -Sn": ok(text) });
    const spec = { host: "director", ipvs: true, thresholds: false, arp: false, sysctlKeys: [] };
    const parsed = (await readState(() => exec, [spec])).state.hosts.director!.ipvs;
    const span = { file: "x", line: 1, col: 1, endLine: 1, endCol: 2, start: 0, end: 1 };
    // as a configuration holds it: its own order, spans
    const expected = [{ ...parsed[0]!, span, dests: [...parsed[0]!.dests].reverse().map((d) => ({ ...d, span })) }];
    expect((await readState(() => exec, [{ ...spec, expectIpvs: expected }])).state.hosts.director!.ipvs).toEqual(parsed);
    const other = [{ ...expected[0]!, dests: expected[0]!.dests.map((d) => ({ ...d, weight: 5 })) }];
    expect((await readState(() => exec, [{ ...spec, expectIpvs: other }])).state.hosts.director!.ipvs).toEqual(parsed);
  });
});
