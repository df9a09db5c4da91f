/**
 * lvsh's own files and directories against what someone else could plant:
 * temporary files are never followed or reused, a symbolic link in the
 * state directory is an error, the ssh control directory is private or not
 * used at all.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sshArgv } from "../../src/exec/index.js";
import { readJson, StateFileError, writeFileAtomic } from "../../src/util/index.js";
import { controlDir } from "../../src/target/index.js";

const dir = () => mkdtempSync(join(tmpdir(), "lvsh-files-"));

describe("writing a state file", () => {
  it("never writes through a file planted where lvsh 0.1 put its temporary file", () => {
    const d = dir();
    const victim = join(d, "victim");
    writeFileSync(victim, "precious");
    // lvsh 0.1 wrote PATH.PID.tmp: plant it for a range of pids, this one among them
    for (let pid = process.pid - 5; pid <= process.pid + 5; pid++) symlinkSync(victim, join(d, `000002.json.${pid}.tmp`));
    writeFileAtomic(join(d, "000002.json"), "new");
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(readFileSync(join(d, "000002.json"), "utf8")).toBe("new");
    // and leaves no temporary file of its own
    expect(readdirSync(d).filter((f) => f.endsWith(".tmp") && !f.startsWith("000002.json."))).toEqual([]);
  });

  it("replaces a symbolic link planted at the target, never writing to where it points", () => {
    const d = dir();
    const victim = join(d, "victim");
    writeFileSync(victim, "precious");
    symlinkSync(victim, join(d, "journal.json"));
    writeFileAtomic(join(d, "journal.json"), "{}");
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(lstatSync(join(d, "journal.json")).isSymbolicLink()).toBe(false);
  });

  it("never replaces anything when the write is exclusive (a revision)", () => {
    const d = dir();
    const victim = join(d, "victim");
    writeFileSync(victim, "precious");
    symlinkSync(victim, join(d, "000003.json"));
    expect(() => writeFileAtomic(join(d, "000003.json"), "x", { exclusive: true })).toThrow(/EEXIST/);
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(readlinkSync(join(d, "000003.json"))).toBe(victim);
  });

  it("reads no state file through a symbolic link", () => {
    const d = dir();
    writeFileSync(join(d, "real.json"), "{}");
    symlinkSync(join(d, "real.json"), join(d, "link.json"));
    expect(() => readJson(join(d, "link.json"))).toThrow(StateFileError);
    expect(() => readJson(join(d, "link.json"))).toThrow(/is a symbolic link/);
  });
});

describe("the ssh control directory", () => {
  const long = "/var/lib/" + "x".repeat(80); // too long for a socket path: the fallback in the temporary directory
  const uid = process.getuid?.() ?? 0;

  it("is made 0700 in the temporary directory when the state directory's path is too long", () => {
    const t = dir();
    const got = controlDir(long, t, uid);
    expect(got).toBe(join(t, `lvsh-ssh-${uid}`));
    expect(lstatSync(got!).mode & 0o777).toBe(0o700);
  });

  it("is not used when someone else made it first, or left it open, or planted a link", () => {
    const open = dir();
    mkdirSync(join(open, `lvsh-ssh-${uid}`), { mode: 0o777 });
    chmodSync(join(open, `lvsh-ssh-${uid}`), 0o777);
    expect(controlDir(long, open, uid)).toBeUndefined();

    const link = dir();
    mkdirSync(join(link, "elsewhere"), { mode: 0o700 });
    symlinkSync(join(link, "elsewhere"), join(link, `lvsh-ssh-${uid}`));
    expect(controlDir(long, link, uid)).toBeUndefined();

    if (uid === 0) {
      const theirs = dir();
      mkdirSync(join(theirs, `lvsh-ssh-${uid}`), { mode: 0o700 });
      chownSync(join(theirs, `lvsh-ssh-${uid}`), 65534, 65534);
      expect(controlDir(long, theirs, uid)).toBeUndefined();
    }
  });

  it("without one, ssh shares no connection", () => {
    const a = sshArgv({ kind: "ssh", host: "192.0.2.2" }, undefined, ["true"]);
    expect(a).toEqual(expect.arrayContaining(["ControlMaster=no", "ControlPath=none"]));
    expect(a.join(" ")).not.toContain("ControlPersist");
  });
});
