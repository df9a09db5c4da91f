/**
 * `setup`: a guided set-up. It asks for a VIP, the director's interface,
 * port, protocol, scheduler, method, real servers and ARP hiding, then
 * prints the lvsh statements it stages, so the user learns the language.
 */
import type { Interface } from "node:readline";
import { keywordsInOrder, parseIp, tokens as T } from "../lang/index.js";
import type { Session } from "../session/index.js";
import { withPrompt } from "./prompt.js";

function validAddr(text: string): true | string {
  const [a, p] = text.trim().split("/");
  const ip = a ? parseIp(a) : null;
  if (!ip) return "an IPv4 or IPv6 address, e.g. 192.0.2.10 (or 192.0.2.10/24)";
  if (p !== undefined && !(/^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= (ip.family === 4 ? 32 : 128))) return "the prefix is out of range";
  return true;
}

/**
 * The real servers as the statements setup makes would take them: checked
 * in the session's context with the VIP, port and method already asked
 * (`.52:8080` with dr is refused here, not after the last question).
 */
function serversCheck(session: Session, before: readonly string[], method: string) {
  return (text: string): true | string => {
    const words = text.trim().split(/\s+/).filter(Boolean);
    if (!words.length) return "at least one real server";
    const src = [...before, `add rs ${words.join(" ")} ${method}`].join("\n");
    const bad = session.checkSource(src, "<setup>").find((d) => d.severity === "error");
    return bad ? `${bad.message}${bad.hint ? ` (${bad.hint})` : ""}` : true;
  };
}

/** Asks the questions and returns the statements (not yet run), or undefined when cancelled. */
export async function askSetup(server: Interface | undefined, session: Session, io: { stdout(t: string): void }): Promise<string | undefined> {
  const { input, select, number } = await import("./prompts.js");
  const schedulers = keywordsInOrder.filter((k) => k.categories.includes(T.Scheduler));
  const links = (session.links.director ?? []).map((l) => l.name).filter((n) => n !== "lo");
  try {
    return await withPrompt(server, async () => {
      const vip = (await input({ message: "Virtual IP (the address clients use):", validate: validAddr })).trim();
      const iface = await select({
        message: "Bind it on the director's interface:",
        choices: [...(links.length ? links : ["eth0"]).map((n) => ({ value: n, name: n })), { value: "", name: "(do not bind it: something else does, e.g. keepalived)" }],
      });
      const port = await number({ message: "Port:", default: 80, min: 1, max: 65535, required: true });
      const proto = await select({ message: "Protocol:", choices: ["tcp", "udp", "sctp"].map((p) => ({ value: p, name: p })) });
      const sched = await select({
        message: "Scheduler:",
        default: "wlc",
        choices: schedulers.map((k) => ({ value: k.word, name: k.word, description: k.doc })),
      });
      const method = await select({
        message: "Forwarding method:",
        choices: ["dr", "nat", "tun"].map((m) => ({ value: m, name: m, description: keywordsInOrder.find((k) => k.word === m)!.doc })),
      });
      const before = [`vip ${vip}${iface ? ` on ${iface}` : ""}`, `service ${proto === "tcp" ? "" : `${proto} `}:${port} ${sched}`];
      const servers = (await input({ message: `Real servers (addresses, or .N for the VIP's network${method === "nat" ? "; ADDR:PORT for another port" : ""}):`, validate: serversCheck(session, before, method) }))
        .trim()
        .split(/\s+/);
      const hide =
        method === "nat"
          ? "none"
          : await select({
              message: "Hide the VIP from ARP on the real servers (needed for dr and tun):",
              choices: [
                { value: "arptables", name: "arptables", description: "drop ARP for the VIP, VIP on eth0 (the classic way)" },
                { value: "sysctl", name: "sysctl", description: "VIP on lo, arp_ignore=1 and arp_announce=2" },
                { value: "none", name: "no", description: "the real servers are set up some other way" },
              ],
            });
      return [
        ...before,
        `add rs ${servers.join(" ")} ${method}`,
        ...(hide === "none" ? [] : [`arp hide on rs${hide === "sysctl" ? " via sysctl" : ""}`]),
      ].join("\n");
    });
  } catch {
    // Ctrl-C in a question: nothing staged, said on a line of its own
    io.stdout("\nsetup cancelled: nothing staged.\n");
    return undefined;
  }
}
