/**
 * The golden fixtures the real-kernel lab captured (test/fixtures/lab,
 * written by `UPDATE_GOLDEN=1 npm run test:kernel`): real `ipvsadm -Sn`,
 * `-Ln` (--stats, --rate, --thresholds), both arptables saves, `ip -j addr`
 * and sysctl outputs of a Linux 6.1 guest after lvsh committed
 * capture.lvsh (every option of the language). lvsh's state readers must
 * read them back into exactly what capture.lvsh compiles to. Needs no VM.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { captureAgrees, listingProblems, missingFiles } from "../kernel/capture.js";

const GOLDEN = resolve("test/fixtures/lab");
const SCRIPT = readFileSync(join(GOLDEN, "capture.lvsh"), "utf8");

describe("golden fixtures of test/fixtures/lab", () => {
  it("are all there", () => {
    expect(missingFiles(GOLDEN)).toEqual([]);
  });

  it("lvsh's reader reads them into exactly what capture.lvsh compiles to (no plan left)", async () => {
    expect(await captureAgrees(GOLDEN, SCRIPT)).toEqual([]);
  });

  it("-Ln, --stats and --rate list the table of -Sn", () => {
    expect(listingProblems(GOLDEN)).toEqual([]);
  });

  it("hold every kind of option the language has", () => {
    const save = readFileSync(join(GOLDEN, "ipvsadm-Sn.txt"), "utf8");
    for (const want of ["-s rr", "-s wrr", "-s lc", "-s wlc", "-s lblc", "-s lblcr", "-s dh", "-s sh", "-s sed", "-s nq", "-s fo", "-s ovf", "-s mh",
      "-p 600 -M 255.255.255.0", "-b sh-fallback,sh-port", "-b mh-fallback,mh-port", "-o", "--pe sip", "--sctp-service", "-u ", "-f 7", "-f 9 -6",
      "[2001:db8::10]:80", "-m -w", "-i -w 1 --tun-type ipip", "--tun-type gue --tun-port 5555 --tun-remcsum", "--tun-type gue --tun-port 6080 --tun-nocsum",
      "--tun-type gue --tun-port 6080 --tun-csum", "--tun-type gre --tun-csum", "--tun-type gre --tun-nocsum", "-w 0"]) {
      expect(save, want).toContain(want);
    }
    expect(readFileSync(join(GOLDEN, "ipvsadm-Ln-thresholds.txt"), "utf8")).toMatch(/1000\s+800/);
  });
});
