/**
 * Which kind of file an import reads, from its first meaningful line:
 * arptables-save (`*filter`, `:INPUT ACCEPT`, `-A INPUT|OUTPUT|IN|OUT ...`),
 * ipvsadm rules as `ipvsadm -S` writes them (`-A -t ...`, `-a ...`, long
 * options too), keepalived.conf (keywords and `{ }` blocks); anything else
 * (a `#!` line, `ipvsadm -A ...` commands, assignments, `case`...) is read
 * as a shell script, line by line. A file whose first line is not a rule but
 * most of whose lines are is a rules file too. Only a file with nothing in
 * it is none.
 */
export type FileFormat = "ipvsadm" | "arptables" | "keepalived" | "sh";

const arptables = /^(\*[a-z]+$|:(INPUT|OUTPUT|FORWARD|IN|OUT)\s|(\[\d+:\d+\]\s+)?(-A|--append)\s+(INPUT|OUTPUT|FORWARD|IN|OUT)\s)/;
/** A line of an ipvsadm rules file: `-A ...`, `-a ...`, `-C`, `--add-service ...` (short options may be clustered: `-At`). */
export const RULE_LINE = /^(-[AaEeDdC][A-Za-z0-9]*|--(add|edit|delete)-(service|server)|--clear)(\s|=|$)/;
const keepalived = /^(global_defs|vrrp_\w+|virtual_server(_group)?|static_\w+|include|net_namespace\w*|track_\w+|garp_group|linkbeat_\w+)(\s|$)|^[a-z_]+\s.*\{$/;

export function detectFormat(text: string): FileFormat | undefined {
  if (/^#!.*\b(ba|da|k|z)?sh\b/.test(text)) return "sh";
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#") && !l.startsWith("!"));
  const first = lines[0];
  if (first === undefined) return undefined;
  if (arptables.test(first)) return "arptables";
  if (RULE_LINE.test(first)) return "ipvsadm";
  if (keepalived.test(first)) return "keepalived";
  // a rules file whose first line is not a rule (a title, a stray word): its lines as a whole say what it is
  const rules = lines.filter((l) => RULE_LINE.test(l)).length;
  if (rules > 0 && rules * 2 > lines.length) return "ipvsadm";
  return "sh";
}
