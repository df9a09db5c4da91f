/**
 * `lvsh import --from SCRIPT`: shell scripts as people write them for LVS
 * (lvs_dr.sh, init scripts, a real server's lo:0 script), read line by
 * line: what lvsh can use is imported, every other line is a note at
 * FILE:LINE, and the exit status says whether a service was imported. The
 * scripts here are written for these tests, in the style of real ones.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importFiles, noteComment, type Note } from "../../src/interop/index.js";
import { printConfig } from "../../src/model/index.js";
import { expandShortOptions, ipvsadmCommandOf } from "../../src/state/index.js";
import { sim } from "../helpers/cli.js";
import { freshStateDir } from "../helpers/sim.js";

const tmpFile = (name: string, text: string) => {
  const f = join(mkdtempSync(join(tmpdir(), "lvsh-imp-sh-")), name);
  writeFileSync(f, text);
  return f;
};
const imported = (...files: [string, string][]) => {
  const r = importFiles(files.map(([name, text]) => ({ name, text })));
  if ("error" in r) throw new Error(r.error);
  return r;
};
/** `LINE kind: text` of the notes of one file. */
const notesOf = (notes: readonly Note[], source: string) => notes.filter((n) => n.source === source).map((n) => `${n.line ?? "-"} ${n.kind}: ${n.text}`);

const LVS_DR = `#!/bin/bash
# lvs_dr.sh: start/stop the LVS-DR director
# chkconfig: 345 80 20

VIP=172.25.254.10
RIP1=172.25.254.11
RIP2=172.25.254.12
PORT=80

. /etc/rc.d/init.d/functions

case "$1" in
start)
    echo "start LVS of DirectorServer"
    /sbin/ifconfig eth0:0 $VIP broadcast $VIP netmask 255.255.255.255 up
    /sbin/route add -host $VIP dev eth0:0
    echo "1" > /proc/sys/net/ipv4/ip_forward
    /sbin/ipvsadm -C
    /sbin/ipvsadm -A -t $VIP:$PORT -s wrr -p 600
    /sbin/ipvsadm -a -t $VIP:$PORT -r $RIP1:$PORT -g -w 1
    /sbin/ipvsadm -a -t $VIP:$PORT -r $RIP2:$PORT -g -w 2
    /sbin/ipvsadm -Ln
    ;;
stop)
    echo "close LVS Directorserver"
    /sbin/ipvsadm -C
    /sbin/ifconfig eth0:0 down
    ;;
*)
    echo "Usage: $0 {start|stop}"
    exit 1
esac
exit 0
`;

const RS_LO = `#!/bin/sh
# realserver.sh: the VIP on lo:0, hidden from ARP
SNS_VIP="172.25.254.10"
case "$1" in
start)
       ifconfig lo:0 $SNS_VIP netmask 255.255.255.255 broadcast $SNS_VIP
       /sbin/route add -host $SNS_VIP dev lo:0
       echo "1" >/proc/sys/net/ipv4/conf/lo/arp_ignore
       echo "2" >/proc/sys/net/ipv4/conf/lo/arp_announce
       echo "1" >/proc/sys/net/ipv4/conf/all/arp_ignore
       echo "2" >/proc/sys/net/ipv4/conf/all/arp_announce
       sysctl -p >/dev/null 2>&1
       echo "RealServer Start OK"
       ;;
stop)
       ifconfig lo:0 down
       route del $SNS_VIP >/dev/null 2>&1
       echo "0" >/proc/sys/net/ipv4/conf/lo/arp_ignore
       ;;
esac
`;

describe("import --from a director's script", () => {
  it("reads the start branch with its variables: the VIP on eth0, the service, its real servers", () => {
    const r = imported(["lvs_dr.sh", LVS_DR]);
    expect(printConfig(r.config)).toBe("vip 172.25.254.10 on eth0\nservice :80 wrr persistent 600\nadd rs .11 dr\nadd rs .12 dr weight 2\n");
  });

  it("notes every line it does not use, at its line, and never refuses the file", () => {
    const r = imported(["lvs_dr.sh", LVS_DR]);
    const notes = notesOf(r.notes, "lvs_dr.sh");
    expect(notes).toEqual([
      "10 lost: `. /etc/rc.d/init.d/functions`: lvsh does not read the files a script sources (what they set is not known here)",
      "12 info: `case \"$1\" in`: the `start` branch (line 13) is read, as `lvs_dr.sh start` runs it",
      "14 lost: `echo 'start LVS of DirectorServer'`: it prints a message",
      "16 info: `/sbin/route add -host 172.25.254.10 dev eth0:0`: a route to 172.25.254.10 on eth0:0: binding the address /32 makes it; lvsh binds it",
      "17 lost: `echo 1 >/proc/sys/net/ipv4/ip_forward`: lvsh sets net.ipv4.ip_forward nowhere (dr and tun do not need it; turn it on for nat)",
      "18 info: `/sbin/ipvsadm -C`: clears the IPVS table: lvsh describes the whole table (a commit leaves nothing else in it)",
      "22 lost: `/sbin/ipvsadm -Ln`: it lists the table; nothing to import",
      "24 lost: the `stop)` branch (lines 24-28): lvsh reads the `start` branch",
      "26 lost: `/sbin/ipvsadm -C`: in the `stop)` branch of line 24",
      "27 lost: `/sbin/ifconfig eth0:0 down`: in the `stop)` branch of line 24",
      "29 lost: the `*)` branch (lines 29-31): lvsh reads the `start` branch",
      "33 lost: `exit 0`: not a command lvsh imports",
    ]);
    expect(noteComment(r.notes.find((n) => n.line === 17)!)).toBe(
      "# not imported (lvs_dr.sh:17): `echo 1 >/proc/sys/net/ipv4/ip_forward`: lvsh sets net.ipv4.ip_forward nowhere (dr and tun do not need it; turn it on for nat)",
    );
  });

  it("through the CLI: the script headed by the located notes, a summary on stderr, exit 0", () => {
    const file = tmpFile("lvs_dr.sh", LVS_DR);
    const i = sim(freshStateDir(), ["import", "--from", file]);
    expect(i.code, i.err).toBe(0);
    expect(i.out).toContain(`# not imported (${file}:17): \`echo 1 >/proc/sys/net/ipv4/ip_forward\``);
    expect(i.out).toContain("\nvip 172.25.254.10 on eth0\nservice :80 wrr persistent 600\n");
    expect(i.err).toContain(`lvsh: import: warning: ${file}:24: not imported: the \`stop)\` branch (lines 24-28)`);
    expect(i.err.split("\n").filter(Boolean).at(-1)).toBe("lvsh: import: 1 service(s), 2 real server(s), 12 note(s)");
  });

  it("`ipvsadm -C` after rules drops them, as it does on the director", () => {
    const r = imported(["s.sh", "ipvsadm -A -t 192.0.2.10:80\nipvsadm -C\nipvsadm -A -t 192.0.2.20:80 -s rr\nipvsadm -a -t 192.0.2.20:80 -r 192.0.2.21\n"]);
    expect(printConfig(r.config)).toBe("vip 192.0.2.20\nservice :80 rr\nadd rs .21 dr\n");
    expect(notesOf(r.notes, "s.sh")).toEqual([
      "2 info: `ipvsadm -C`: clears the IPVS table: lvsh describes the whole table (a commit leaves nothing else in it); the 1 rule(s) added before it (line 1 on) are dropped, as ipvsadm -C drops them",
    ]);
  });
});

describe("import --from: the ways scripts write ipvsadm", () => {
  it("combined short options, long options, sudo, any path, export, quotes, ${VAR}, continuations, ';' and '&&'", () => {
    const script = `#!/bin/bash
export VIP="192.0.2.10"
PORT='443'
IPVSADM=/usr/sbin/ipvsadm
sudo $IPVSADM -At \${VIP}:$PORT -s wlc -p600
sudo -E /sbin/ipvsadm -at $VIP:$PORT -r 192.0.2.21 -m --weight 3
ipvsadm --add-server --tcp-service "$VIP:$PORT" \\
    --real-server 192.0.2.22:8443 --masquerading --weight=2 ; ipvsadm -Sn
ipvsadm --add-service --udp-service $VIP:53 --scheduler rr && ipvsadm -au $VIP:53 -r 192.0.2.21:53 -i
ipvsadm -A --tcp-service 192.0.2.30:80 --scheduler sh --persistent # the old site
ipvsadm -a -t 192.0.2.30:80 --real-server 192.0.2.31 --gatewaying -x 100 -y 50
`;
    const r = imported(["combined.sh", script]);
    expect(printConfig(r.config)).toBe(
      [
        "vip 192.0.2.10",
        "service :443 wlc persistent 600",
        "add rs .21 nat weight 3",
        "add rs .22:8443 nat weight 2",
        "service udp :53 rr",
        "add rs .21 tun",
        "",
        "vip 192.0.2.30",
        "service :80 sh persistent 360",
        "add rs .31 dr min 50 max 100",
        "",
      ].join("\n"),
    );
    expect(notesOf(r.notes, "combined.sh")).toEqual(["8 lost: `ipvsadm -Sn`: it saves the table; `lvsh save` keeps lvsh's across reboots"]);
  });

  it("expands popt's combined short options", () => {
    expect(expandShortOptions(["-At", "192.0.2.10:80", "-p600", "-Ln", "-tVIP:80"])).toEqual(["-A", "-t", "192.0.2.10:80", "-p600", "-L", "-n", "-tVIP:80"]);
    expect(["-Ln", "-Sn", "-C", "", "-at x", "--set 1 2 3"].map((w) => ipvsadmCommandOf(w.split(" ").filter(Boolean)))).toEqual(["list", "save", "clear", "list", "table", "set"]);
  });

  it("reports loops and command substitutions with what they hold, and guesses nothing", () => {
    const script = `#!/bin/sh
VIP=192.0.2.10
RIP1=192.0.2.21
RIP2=192.0.2.22
ipvsadm -A -t $VIP:80 -s rr
for RIP in $RIP1 $RIP2
do
    ipvsadm -a -t $VIP:80 -r $RIP:80 -g
    echo "added $RIP"
done
DEV=$(ip -o route get 8.8.8.8 | awk '{print $5}')
ip addr add $VIP/32 dev $DEV
while read rs; do ipvsadm -a -t $VIP:80 -r $rs; done < /etc/lvs/real-servers
`;
    const r = imported(["loop.sh", script]);
    expect(printConfig(r.config)).toBe("vip 192.0.2.10\nservice :80 rr\n");
    expect(notesOf(r.notes, "loop.sh")).toEqual([
      "6 lost: `for RIP in $RIP1 $RIP2` (RIP = 192.0.2.21, 192.0.2.22) (lines 6-10): lvsh does not run loops; write what it does out, one command a line",
      "8 lost: `ipvsadm -a -t 192.0.2.10:80 -r $RIP:80 -g`: inside the loop of line 6, once per round",
      "11 lost: `DEV=$(ip -o route get 8.8.8.8 | awk '{print $5}')`: `$(ip -o route get 8.8.8.8 | awk '{pri...` runs a command (lvsh does not run the script); what uses `$DEV` is not imported either",
      "12 lost: `ip addr add 192.0.2.10/32 dev $DEV`: `$DEV` is set on line 11 by what lvsh cannot know: `$(ip -o route get 8.8.8.8 | awk '{pri...` runs a command (lvsh does not run the script)",
      "13 lost: `while` loop (lines 13-13): lvsh does not run loops; write what it does out, one command a line",
      "13 lost: `ipvsadm -a -t 192.0.2.10:80 -r $rs`: inside the loop of line 13, once per round",
    ]);
  });

  it("reads `if [ \"$1\" = start ]` and the functions the start branch calls; other conditions are noted", () => {
    const script = `#!/bin/bash
VIP=198.51.100.10
start() {
    ip addr add $VIP/32 dev eth1 label eth1:vip
    ipvsadm -A -t $VIP:25 -s lc
    ipvsadm -a -t $VIP:25 -r 198.51.100.21:25 -g
}
stop() {
    ipvsadm -D -t $VIP:25
}
if [ ! -x /sbin/ipvsadm ]; then
    echo "no ipvsadm"; exit 1
fi
if [ "$1" = "start" ]; then
    start
elif [ "$1" = "stop" ]; then
    stop
fi
`;
    const r = imported(["init.sh", script]);
    expect(printConfig(r.config)).toBe("vip 198.51.100.10 on eth1\nservice :25 lc\nadd rs .21 dr\n");
    expect(notesOf(r.notes, "init.sh")).toEqual([
      "8 lost: function `stop` (lines 8-10): not called where lvsh reads the script",
      "9 lost: `ipvsadm -D -t 198.51.100.10:25`: in function `stop`, which is not called where lvsh reads the script",
      "11 lost: `if [ ! -x /sbin/ipvsadm ]` (lines 11-13): lvsh does not evaluate conditions; what it runs is not imported",
      "14 info: `if` on `$1` = start: that branch is read, as `init.sh start` runs it",
      "17 lost: `stop`: in a branch of the `if` of line 14 other than `start`",
    ]);
  });
});

describe("import --from: the real servers' part", () => {
  it("a lo:0 script with the ARP sysctls and the director's script: `arp hide on rs via sysctl`, for every real server of the VIP", () => {
    const r = imported(["lvs_dr.sh", LVS_DR], ["realserver.sh", RS_LO]);
    expect(printConfig(r.config)).toBe("vip 172.25.254.10 on eth0\nservice :80 wrr persistent 600\nadd rs .11 dr\nadd rs .12 dr weight 2\narp hide on rs via sysctl\n");
    expect(notesOf(r.notes, "realserver.sh")).toContain(
      "6 info: a real server's part (172.25.254.10 bound, ARP sysctls): it names no real server; taken as what every real server of 172.25.254.10 runs (172.25.254.11, 172.25.254.12)",
    );
    expect(notesOf(r.notes, "realserver.sh")).toContain("12 lost: `sysctl -p >/dev/null 2>&1`: it loads sysctl files, which lvsh does not read; set what they hold with lines of this script");
  });

  it("sysctl -w and ip addr add VIP/32 dev lo do the same", () => {
    const rs = "VIP=172.25.254.10\nip addr add $VIP/32 dev lo\nsysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2\nsysctl -w net.ipv4.conf.lo.arp_ignore=1\nsysctl -w net.ipv4.conf.lo.arp_announce=2\n";
    const r = imported(["lvs_dr.sh", LVS_DR], ["rs.sh", rs]);
    expect(printConfig(r.config)).toContain("arp hide on rs via sysctl\n");
  });

  it("arptables rules in a real server's script hide the VIP on that real server; the others are noted", () => {
    const rs1 = `#!/bin/sh
VIP=172.25.254.10
RIP=172.25.254.11
/sbin/arptables -F
/sbin/arptables -A IN -d $VIP -j DROP
/sbin/arptables -A OUT -s $VIP -j mangle --mangle-ip-s $RIP
/sbin/ifconfig eth0:1 $VIP netmask 255.255.255.255 up
service arptables_jf save
`;
    const r = imported(["lvs_dr.sh", LVS_DR], ["rs1.sh", rs1]);
    expect(printConfig(r.config)).toContain("arp hide on rs\n");
    expect(notesOf(r.notes, "rs1.sh")).toEqual([
      "4 info: `/sbin/arptables -F`: clears the ARP rules: lvsh adds and removes only its own",
      "5 info: real server 172.25.254.11's part (its ARP rules announce it)",
      "8 lost: `service arptables_jf save`: not a command lvsh imports",
    ]);
    expect(notesOf(r.notes, "import")).toEqual([
      "- info: `arp hide on rs` of 172.25.254.10 comes from the rules of 172.25.254.11; those of 172.25.254.12 were not given, and a commit hides the VIP there too",
    ]);
  });

  it("tun: the director's VIP on tunl0 is the director's; a real server's sysctls that do not hide say what they lack", () => {
    const director = "#!/bin/bash\nifconfig tunl0 203.0.113.10 netmask 255.255.255.255 up\nipvsadm -At 203.0.113.10:80 -s rr\nipvsadm -at 203.0.113.10:80 -r 203.0.113.2 -i\n";
    const rs = "#!/bin/bash\nifconfig tunl0 203.0.113.10 netmask 255.255.255.255 up\necho 1 > /proc/sys/net/ipv4/conf/tunl0/arp_ignore\necho 2 > /proc/sys/net/ipv4/conf/tunl0/arp_announce\necho 1 > /proc/sys/net/ipv4/conf/all/arp_ignore\n";
    const r = imported(["tun.sh", director], ["rs.sh", rs]);
    expect(printConfig(r.config)).toBe("vip 203.0.113.10 on tunl0\nservice :80 rr\nadd rs .2 tun\n");
    expect(notesOf(r.notes, "rs.sh")).toContain(
      "3 lost: the ARP sysctls (lines 3, 4, 5) do not hide a VIP: lvsh reads them as a hide when net.ipv4.conf.all.arp_announce=2 (not set)",
    );
    const fixed = imported(["tun.sh", director], ["rs.sh", `${rs}echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce\n`]);
    expect(printConfig(fixed.config)).toContain("arp hide on rs via sysctl dev tunl0\n");
  });

  it("`sudo sh -c 'echo ... > /proc/...'` is read as the commands it runs", () => {
    const rs = "#!/bin/sh\nsudo ip addr add 172.25.254.10 label lo:vip dev lo\nsudo sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore; echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce; echo 1 > /proc/sys/net/ipv4/conf/lo/arp_ignore; echo 2 > /proc/sys/net/ipv4/conf/lo/arp_announce'\n";
    const r = imported(["lvs_dr.sh", LVS_DR], ["rs.sh", rs]);
    expect(printConfig(r.config)).toContain("arp hide on rs via sysctl\n");
  });
});

describe("import --from: honest status", () => {
  it("a real server's script alone exits 1: it needs the director's rules", () => {
    const file = tmpFile("realserver.sh", RS_LO);
    const i = sim(freshStateDir(), ["import", "--from", file]);
    expect(i.code).toBe(1);
    expect(i.out).toBe("");
    expect(i.err).toContain(`lvsh: import: warning: ${file}:6: not imported: a real server's part (172.25.254.10 bound, ARP sysctls): it does not say which real server it is, and no director rules were given`);
    expect(i.err).toContain(`lvsh: import: nothing imported: a real server's part needs the director's rules: import them together (\`lvsh import --from DIRECTOR-RULES --from ${file}\`)\n`);
    expect(i.err.split("\n").filter(Boolean).at(-1)).toMatch(/^lvsh: import: 0 service\(s\), 0 real server\(s\), \d+ note\(s\)$/);
  });

  it("a script whose rules cannot be read exits 1 with the first of them, located", () => {
    const script = "#!/bin/sh\nVIP=$1\necho starting\nipvsadm -A -t $VIP:80 -s rr\nipvsadm -a -t $VIP:80 -r 10.0.0.2 -g\n";
    const file = tmpFile("args.sh", script);
    const i = sim(freshStateDir(), ["import", "--from", file]);
    expect(i.code).toBe(1);
    expect(i.err).toContain(
      `lvsh: import: nothing imported: no IPVS service in ${file}; the first line not imported: ${file}:4: not imported: \`ipvsadm -A -t $VIP:80 -s rr\`: \`$VIP\` is set on line 2 by what lvsh cannot know: \`$1\` is an argument of the script, which depends on how it is run\n`,
    );
  });

  it("a rules file whose lines are all wrong exits 1 at its first line", () => {
    const file = tmpFile("typo.sh", "ipvsadm -A -t 192.0.2.10:80 -s rr 120\nipvsadm -a -t 192.0.2.10:80 -r 192.0.2.21 \u2013g\n");
    const i = sim(freshStateDir(), ["import", "--from", file]);
    expect(i.code).toBe(1);
    expect(i.err).toContain(`the first line not imported: ${file}:1: not imported: \`ipvsadm -A -t 192.0.2.10:80 -s rr 120\`: unexpected argument \`120\``);
  });

  it("a script with a syntax error says where, and reads the rest", () => {
    const r = imported(["broken.sh", "ipvsadm -A -t 192.0.2.10:80\nif [ -x /sbin/ipvsadm ]; then\n  echo ok\n"]);
    expect(r.config.services.size).toBe(1);
    expect(notesOf(r.notes, "broken.sh")).toContain("2 lost: cannot read the shell here: `if` of line 2 has no `fi` before the end of the file");
  });
});
