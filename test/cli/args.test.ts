import { describe, expect, it } from "vitest";
import { parseCli } from "../../src/cli/args.js";
import { cliHelp } from "../../src/cli/help.js";
import { options } from "../../src/cli/spec.js";

describe("parseCli", () => {
  it.each([
    [[], { kind: "repl", yes: false }],
    [["--help"], { kind: "help" }],
    [["-h"], { kind: "help" }],
    [["-V"], { kind: "version" }],
    [["seed.lvsh"], { kind: "run", source: { file: "seed.lvsh" }, dryRun: false, json: false, yes: false }],
    [["--dry-run", "seed.lvsh"], { kind: "run", source: { file: "seed.lvsh" }, dryRun: true, json: false, yes: false }],
    [["-n", "--json", "-c", "vip 192.0.2.1"], { kind: "run", source: { text: "vip 192.0.2.1" }, dryRun: true, json: true, yes: false }],
    [["--sim", "-y", "x.lvsh"], { kind: "run", source: { file: "x.lvsh" }, dryRun: false, json: false, yes: true, target: "sim" }],
    [["--target", "local", "x.lvsh"], { kind: "run", source: { file: "x.lvsh" }, dryRun: false, json: false, yes: false, target: "local" }],
    [["check", "a.lvsh", "b.lvsh"], { kind: "check", files: ["a.lvsh", "b.lvsh"], yes: false }],
    [["./check"], { kind: "run", source: { file: "./check" }, dryRun: false, json: false, yes: false }],
    [["show", "running", "--json"], { kind: "show", topic: "running", args: [], json: true, yes: false }],
    [["--sim", "show", "diff", "1", "2"], { kind: "show", topic: "diff", args: ["1", "2"], json: false, yes: false, target: "sim" }],
    [["recover"], { kind: "recover", yes: false }],
    [["import"], { kind: "import", from: [], rs: [], yes: false }],
    [["import", "--from", "a.rules", "--from", "keepalived.conf"], { kind: "import", from: ["a.rules", "keepalived.conf"], rs: [], yes: false }],
    [["--sim", "import", "--rs", "192.0.2.2", "--rs", "192.0.2.3"], { kind: "import", from: [], rs: ["192.0.2.2", "192.0.2.3"], yes: false, target: "sim" }],
    [["export"], { kind: "export", format: "ipvsadm", yes: false }],
    [["export", "--format", "keepalived", "--to", "out/", "x.lvsh"], { kind: "export", format: "keepalived", file: "x.lvsh", to: "out/", yes: false }],
    [["save"], { kind: "save", format: "lvsh", yes: false }],
    [["watch"], { kind: "watch", service: [], intervalS: 2, json: false, yes: false }],
    [["--sim", "watch", "tcp", "192.0.2.10:80", "--interval", "0.5", "--count", "3", "--json"], { kind: "watch", service: ["tcp", "192.0.2.10:80"], intervalS: 0.5, count: 3, json: true, yes: false, target: "sim" }],
    [["save", "--format", "ipvsadm", "--to", "/etc/ipvsadm.rules"], { kind: "save", format: "ipvsadm", to: "/etc/ipvsadm.rules", yes: false }],
  ])("%j", (argv, want) => {
    expect(parseCli(argv)).toEqual(want);
  });

  it.each([
    [["--bogus"], /Unknown option '--bogus'/],
    [["--json", "x.lvsh"], /--json goes with --dry-run/],
    [["--target", "remote", "x.lvsh"], /--target is sim or local/],
    [["--sim", "--target", "local", "x.lvsh"], /contradict/],
    [["show"], /show needs a topic/],
    [["show", "frob"], /topics are/],
    [["-c"], /argument missing/],
    [["-c", "vip 1.2.3.4", "x.lvsh"], /unexpected "x.lvsh"/],
    [["a.lvsh", "b.lvsh"], /one script at a time/],
    [["check"], /check needs at least one FILE/],
    [["--dry-run"], /--dry-run needs a FILE or -c/],
    [["import", "--from", "a.rules", "--rs", "192.0.2.2"], /--rs .* does not go with --from/],
    [["export", "--format", "yaml"], /export formats are/],
    [["save", "--format", "keepalived"], /save formats are lvsh, ipvsadm/],
    [["--from", "a.rules", "x.lvsh"], /--from does not go with a script/],
    [["show", "running", "-n"], /--dry-run does not go with show/],
    [["import", "--format", "json"], /--format does not go with import/],
    [["watch", "--interval", "0"], /--interval "0": an interval must be above 0/],
    [["watch", "--interval=-1"], /--interval "-1": an interval must be a positive number of seconds/],
    [["watch", "--interval", "soon"], /--interval "soon"/],
    [["watch", "--count", "0"], /--count "0": a count of samples must be a whole number from 1/],
    [["watch", "--count", "1.5"], /--count "1.5"/],
    [["watch", ":80;clear"], /":80;clear" is not a service address/],
    [["show", "rs", "--interval", "1"], /--interval does not go with show/],
    [["--count", "3", "x.lvsh"], /--count does not go with a script/],
  ])("%j is a usage error", (argv, msg) => {
    const r = parseCli(argv);
    expect(r.kind).toBe("usage-error");
    expect((r as { message: string }).message).toMatch(msg);
    // watch's refusals end with its usage
    if (argv[0] === "watch") expect((r as { usage?: string }).usage).toBe("usage: lvsh watch [SERVICE] [--interval SECONDS] [--count N] [--json]");
  });

  it("--help lists every option of the table", () => {
    const help = cliHelp("1.2.3");
    for (const o of options) expect(help).toContain(`--${o.long}`);
    expect(help).toContain("lvsh 1.2.3");
  });
});
