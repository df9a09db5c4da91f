/**
 * Which kind of file an import reads, from its first meaningful line:
 * arptables-save (`*filter`, `:INPUT ACCEPT`, `-A INPUT|OUTPUT|IN|OUT ...`),
 * ipvsadm rules as `ipvsadm -S` writes them (`-A -t ...`, `-a ...`, long
 * options too), keepalived.conf (keywords and `{ }` blocks); anything else
 * (a `#!` line, `ipvsadm -A ...` commands, assignments, `case`...) is read
 * as a shell script, line by line. Only a file with nothing in it is none.
 */
export type FileFormat = "ipvsadm" | "arptables" | "keepalived" | "sh";

const arptables = /^(\*[a-z]+$|:(INPUT|OUTPUT|FORWARD|IN|OUT)\s|(\[\d+:\d+\]\s+)?(-A|--append)\s+(INPUT|OUTPUT|FORWARD|IN|OUT)\s)/;
const ipvsadm = /^(-[AaEe]|--(add|edit)-(service|server))(\s|$)/;
const keepalived = /^(global_defs|vrrp_\w+|virtual_server(_group)?|static_\w+|include|net_namespace\w*|track_\w+|garp_group|linkbeat_\w+)(\s|$)|^[a-z_]+\s.*\{$/;

export function detectFormat(text: string): FileFormat | undefined {
  if (/^#!.*\b(ba|da|k|z)?sh\b/.test(text)) return "sh";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    if (arptables.test(line)) return "arptables";
    if (ipvsadm.test(line)) return "ipvsadm";
    if (keepalived.test(line)) return "keepalived";
    return "sh";
  }
  return undefined;
}
