/** `ADDR[:PORT]` as ipvsadm reads and prints it (parse_service in ipvsadm.c). */
import { parseIp, type Family } from "../lang/index.js";
import { portNumber } from "./ports.js";
import { fail, ok, type Res } from "./problem.js";

export interface Endpoint {
  /** Canonical address text. */
  readonly addr: string;
  readonly family: Family;
  /** null when no port was written. */
  readonly port: number | null;
}

/**
 * `192.0.2.1:80`, `192.0.2.1`, `[2001:db8::1]:80`, `2001:db8::1`, ports
 * also as service names (`http`). A bare IPv6 address has no port, as in
 * ipvsadm; host names are refused (lvsh reads with -n).
 */
export function parseEndpoint(text: string): Res<Endpoint> {
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0 || text[close + 1] !== ":") return fail(`\`${text}\` is not an address: expected [IPV6]:PORT`);
    return withPort(text.slice(1, close), text.slice(close + 2), 6);
  }
  const v6 = parseIp(text);
  if (v6 && v6.family === 6) return ok({ addr: v6.text, family: 6, port: null });
  const colon = text.lastIndexOf(":");
  if (colon < 0) return withPort(text, null, 4);
  return withPort(text.slice(0, colon), text.slice(colon + 1), 4);
}

function withPort(addrText: string, portText: string | null, family: Family): Res<Endpoint> {
  const ip = parseIp(addrText);
  if (!ip || ip.family !== family) return fail(`\`${addrText}\` is not a numeric IPv${family} address (read the table with -n)`);
  if (portText === null) return ok({ addr: ip.text, family, port: null });
  const port = portNumber(portText);
  if (port === null) return fail(`unknown port \`${portText}\`: not a number from 0 to 65535 nor a known service name`);
  return ok({ addr: ip.text, family, port });
}
