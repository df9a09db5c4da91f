/** Completion with the cursor marked in the text (Langium style): `service :80 <|>`. */
import { describe, expect, it } from "vitest";
import { complete, type CompletionContext } from "../../src/complete/index.js";
import { emptyContext } from "../../src/model/index.js";
import { load } from "../helpers/load.js";

const base = load("vip 172.25.254.10 on eth0; service :80 rr; add rs .2 .3 dr; service udp :53 sh; add rs .7 nat; vip 192.0.2.1; service :443");
const ctx: CompletionContext = {
  config: base.config,
  context: { vip: "172.25.254.10", service: "tcp 172.25.254.10:80" },
  links: { director: ["lo", "eth0", "eth1"], "172.25.254.2": ["lo", "eth0", "ens3"] },
  revisions: [1, 2, 3],
  listDir: (dir) => (dir === "." ? [{ name: "seed.lvsh", dir: false }, { name: "examples", dir: true }, { name: "notes.txt", dir: false }] : [{ name: "a.lvsh", dir: false }]),
  netns: () => ["lb", "rs1"],
};

function at(marked: string, c: CompletionContext = ctx): string[] {
  const cursor = marked.indexOf("<|>");
  const text = marked.replace("<|>", "");
  return complete(text, cursor, c).items.map((i) => i.value);
}

describe("completion", () => {
  it("offers the statements at the start", () => {
    expect(at("<|>")).toEqual(["vip", "service", "add", "set", "del", "drain", "maintenance", "use", "arp", "check", "sorry", "quorum", "inhibit", "director", "engine", "sync", "host", "clear", "show", "watch", "doctor", "commit", "confirm", "rollback", "abort", "save", "load", "help"]);
    expect(at("s<|>")).toEqual(["service", "set", "sorry", "sync", "show", "save"]);
    expect(at("w<|>")).toEqual(["watch"]);
    expect(at("do<|>")).toEqual(["doctor"]);
    expect(at("vip 1.2.3.4; se<|>")).toEqual(["service", "set"]);
    expect(at("vip 1.2.3.4\nservice :80 r<|>")).toEqual(["rr"]);
  });

  it("offers schedulers and options after a service, a partial word completing", () => {
    expect(at("service :80 w<|>")).toEqual(["wrr", "wlc"]);
    expect(at("service :80 <|>")).toEqual(expect.arrayContaining(["rr", "wlc", "twos", "persistent", "netmask", "flags", "one-packet", "pe"]));
    expect(at("service :80 rr <|>")).toEqual(["persistent", "netmask", "flags", "one-packet", "pe"]);
    expect(at("service :80 rr persistent 60 <|>")).toEqual(["netmask", "flags", "one-packet", "pe"]);
  });

  it("offers methods and options after real servers, and other services' real servers", () => {
    const items = at("add rs .2 <|>");
    expect(items).toEqual(expect.arrayContaining(["dr", "nat", "tun", "type", "port", "weight", "min", "max", "csum", "nocsum", "remcsum", ".7"]));
    expect(items).not.toContain(".2");
    expect(at("add rs .2 dr <|>")).not.toEqual(expect.arrayContaining(["nat"]));
    expect(at("add rs .2 tun type <|>")).toEqual(["ipip", "gue", "gre"]);
  });

  it("offers the current service's real servers to set and del", () => {
    expect(at("del rs <|>")).toEqual([".2", ".3"]);
    expect(at("set rs .<|>")).toEqual([".2", ".3"]);
  });

  it("offers the engines, `config`, and the sync daemon's words, with the director's interfaces", () => {
    expect(at("e<|>")).toEqual(["engine"]);
    expect(at("engine <|>")).toEqual(["keepalived", "lvsh"]);
    expect(at("engine k<|>")).toEqual(["keepalived"]);
    expect(at("engine keepalived <|>")).toEqual(["config"]);
    expect(at("engine lvsh <|>")).toEqual([]);
    expect(at("sy<|>")).toEqual(["sync"]);
    expect(at("sync <|>")).toEqual(["daemon"]);
    expect(at("sync daemon <|>")).toEqual(["on", "off"]);
    expect(at("sync daemon on <|>")).toEqual(["lo", "eth0", "eth1"]);
    expect(at("sync daemon on eth1 <|>")).toEqual(["id"]);
  });

  it("offers the director's interfaces for a VIP, the real servers' for arp hide", () => {
    expect(at("vip 172.25.254.10 on <|>")).toEqual(["lo", "eth0", "eth1"]);
    expect(at("vip 172.25.254.10 on e<|>")).toEqual(["eth0", "eth1"]);
    expect(at("arp hide on rs dev <|>")).toEqual(["lo", "eth0", "ens3"]);
    expect(at("arp hide on rs via <|>")).toEqual(["arptables", "sysctl"]);
  });

  it("offers services, VIPs, revisions, show topics, hosts and files", () => {
    expect(at("use service <|>")).toEqual(expect.arrayContaining(["fwmark", "tcp", "udp", "sctp", ":80", "udp :53", "192.0.2.1:443"]));
    expect(at("del vip <|>")).toEqual(["172.25.254.10", "192.0.2.1"]);
    expect(at("rollback <|>")).toEqual(["1", "2", "3"]);
    expect(at("show <|>")).toEqual(expect.arrayContaining(["rs", "plan", "diff", "candidate", "running", "history", "services", "hosts"]));
    expect(at("host <|>")).toEqual(expect.arrayContaining(["director", ".2", ".3", ".7"]));
    expect(at("host .2 via <|>")).toEqual(["ssh", "netns", "local"]);
    expect(at("host .2 via netns <|>")).toEqual(["lb", "rs1"]);
    expect(at("host .2 via ssh <|>")).toEqual(["root@172.25.254.2", "root@172.25.254.3", "root@172.25.254.7"]);
    expect(at("load <|>")).toEqual(["seed.lvsh", "examples/"]);
    expect(at("load examples/<|>")).toEqual(["examples/a.lvsh"]);
  });

  it("offers what each show topic takes, from the table of topics", () => {
    expect(at("show diff <|>")).toEqual(["1", "2", "3"]);
    expect(at("show diff 1 <|>")).toEqual(["2", "3"]);
    expect(at("show diff 1 2 <|>")).toEqual([]);
    expect(at("show rs <|>")).toEqual(["172.25.254.2", "172.25.254.3", "172.25.254.7", "json"]);
    expect(at("show rs 172.25.254.2 <|>")).toEqual(["172.25.254.3", "172.25.254.7", "json"]);
    expect(at("show plan <|>")).toEqual(["commands", "json"]);
    expect(at("show plan json <|>")).toEqual(["commands"]);
    expect(at("show running <|>")).toEqual(["json"]);
    expect(at("show candidate <|>")).toEqual([]);
  });

  it("offers help's topics: the statements, then the values", () => {
    const items = at("help <|>");
    expect(items.slice(0, 3)).toEqual(["vip", "service", "add"]);
    expect(items).toEqual(expect.arrayContaining(["show", "commit", "IFACE", "SCHEDULER", "REVISION"]));
    expect(at("help se<|>")).toEqual(["service", "set"]);
    expect(complete("help ", 5, ctx).items.find((i) => i.value === "vip")?.doc).toMatch(/virtual IP/i);
  });

  it("offers nothing in a comment, and knows where the word starts", () => {
    expect(at("vip 1.2.3.4 # on <|>")).toEqual([]);
    const c = complete("vip 172.25.254.10 on et", 23, ctx);
    expect([c.start, c.partial]).toEqual([21, "et"]);
  });

  it("works on an empty candidate", () => {
    expect(at("add rs .2 <|>", { config: load("").config, context: emptyContext })).toEqual(
      expect.arrayContaining(["dr", "nat", "tun"]),
    );
  });
});

describe("completion of watch", () => {
  it("offers the services, then interval and count, after `watch`", () => {
    expect(at("watch <|>")).toEqual(expect.arrayContaining(["interval", "count", ":80"]));
    expect(at("watch :80 <|>")).toEqual(expect.arrayContaining(["interval", "count"]));
  });
});
