/**
 * ipvsadm rules files (`ipvsadm -S[n]`, /etc/sysconfig/ipvsadm,
 * /etc/ipvsadm.rules) in and out. In: every line `ipvsadm -R` accepts, with
 * or without the `ipvsadm` prefix, comments skipped. Out: what `ipvsadm -R`
 * loads, in `-Sn`'s format, plus the thresholds (`-x`/`-y`, which `-S` leaves
 * out but `-R` takes), so that nothing of the configuration is lost.
 */
import { compile, type Config, type IpvsService } from "../model/index.js";
import { formatIpvsadmSaveLines, parseIpvsadmSave } from "../state/index.js";
import type { Gathered } from "./gather.js";

export function gatherIpvsadm(g: Gathered, source: string, text: string): void {
  const save = parseIpvsadmSave(text);
  g.ipvs.push(...save.services);
  for (const p of save.problems) g.notes.push({ source, line: p.line, kind: "lost", text: `${p.message}: \`${p.text.trim()}\`` });
}

/**
 * The rules of an IPVS table, one line each, as `ipvsadm -R` of every
 * version reads them: `--tun-type` only when the tunnel is not the default
 * ipip (ipvsadm before 1.30 refuses the option, and `-R` still exits 0).
 */
export function ipvsadmRuleLines(services: readonly IpvsService[]): string[] {
  const out: string[] = [];
  for (const s of services) {
    out.push(...formatIpvsadmSaveLines([{ ...s, dests: [] }], { portable: true }));
    for (const d of s.dests) {
      const [, line] = formatIpvsadmSaveLines([{ ...s, dests: [d] }], { portable: true });
      const extra = [...(d.uThreshold ? ["-x", String(d.uThreshold)] : []), ...(d.lThreshold ? ["-y", String(d.lThreshold)] : [])];
      out.push([line!, ...extra].join(" "));
    }
  }
  return out;
}

/**
 * The director's IPVS table of a configuration, as an ipvsadm rules file.
 * No comments: `ipvsadm -R` (and the distributions' restore scripts) read
 * every line as options.
 */
export function ipvsadmRules(config: Config): string {
  const director = compile(config).state.hosts["director"];
  return ipvsadmRuleLines(director?.ipvs ?? []).map((l) => `${l}\n`).join("");
}
