/**
 * IP addresses as the kernel tools print them: IPv4 dotted quad, IPv6 in
 * RFC 5952 canonical form (what inet_ntop gives, so `ipvsadm -Sn` reads
 * back equal). Pure functions, no node:net.
 */

export type Family = 4 | 6;

export interface ParsedIp {
  readonly family: Family;
  /** Canonical text. */
  readonly text: string;
  /** 4 or 16 bytes. */
  readonly bytes: readonly number[];
}

/** Strict dotted quad: four decimal parts 0..255, no leading zeros (`010` is octal to some tools). */
export function parseIPv4(text: string): ParsedIp | null {
  const bytes: number[] = [];
  let n = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final "."
    if (c === 46) {
      if (digits === 0 || n > 255 || bytes.length === 4) return null;
      bytes.push(n);
      n = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && n === 0) return null;
      n = n * 10 + (c - 48);
      if (++digits > 3) return null;
    } else return null;
  }
  if (bytes.length !== 4) return null;
  return { family: 4, text, bytes };
}

/** Whether parseIPv4 takes the text (without making its bytes). */
export function isIPv4(text: string): boolean {
  let parts = 0;
  let n = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || n > 255 || parts === 4) return false;
      parts++;
      n = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && n === 0) return false;
      n = n * 10 + (c - 48);
      if (++digits > 3) return false;
    } else return false;
  }
  return parts === 4;
}

function parseHextets(part: string): number[] | null {
  if (part === "") return [];
  const out: number[] = [];
  for (const h of part.split(":")) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(h)) return null;
    out.push(parseInt(h, 16));
  }
  return out;
}

export function parseIPv6(text: string): ParsedIp | null {
  // every IPv6 address has two colons at least (`::`): `192.0.2.1:80` is refused before any regex
  const colon = text.indexOf(":");
  if (colon < 0 || text.indexOf(":", colon + 1) < 0) return null;
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let tail: number[] = [];
  let body = text;
  // an embedded IPv4 tail, e.g. ::ffff:192.0.2.1
  const lastColon = body.lastIndexOf(":");
  const maybeV4 = body.slice(lastColon + 1);
  if (maybeV4.includes(".")) {
    const v4 = parseIPv4(maybeV4);
    if (!v4) return null;
    tail = [(v4.bytes[0]! << 8) | v4.bytes[1]!, (v4.bytes[2]! << 8) | v4.bytes[3]!];
    body = body.slice(0, lastColon + 1);
    if (body.endsWith(":") && !body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  let words: number[];
  if (halves.length === 2) {
    const head = parseHextets(halves[0]!);
    const rest = parseHextets(halves[1]!);
    if (!head || !rest) return null;
    const fill = 8 - head.length - rest.length - tail.length;
    if (fill < 1) return null;
    words = [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
  } else {
    const all = parseHextets(body);
    if (!all) return null;
    words = [...all, ...tail];
    if (words.length !== 8) return null;
  }
  if (words.length !== 8) return null;
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  return { family: 6, text: formatIPv6(words), bytes };
}

/** RFC 5952: lower case, no leading zeros, the longest run (>1) of zero words as `::`. */
function formatIPv6(words: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLen).join(":");
  return `${head}::${tail}`;
}

export function parseIp(text: string): ParsedIp | null {
  return text.includes(":") ? parseIPv6(text) : parseIPv4(text);
}

export function maxPrefix(family: Family): number {
  return family === 4 ? 32 : 128;
}

/** Whether `addr` lies in `net`/`prefix`. */
export function inSubnet(addr: ParsedIp, net: ParsedIp, prefix: number): boolean {
  if (addr.family !== net.family) return false;
  let bits = prefix;
  for (let i = 0; i < addr.bytes.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr.bytes[i]! & mask) !== (net.bytes[i]! & mask)) return false;
  }
  return true;
}

/** `255.255.255.0` -> 24; null when the mask is not contiguous. */
export function netmaskToPrefix(mask: ParsedIp): number | null {
  let prefix = 0;
  let ended = false;
  for (const b of mask.bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      const set = (b >> bit) & 1;
      if (set && ended) return null;
      if (set) prefix++;
      else ended = true;
    }
  }
  return prefix;
}

export function prefixToNetmask(prefix: number): string {
  const bytes: number[] = [];
  for (let i = 0, bits = prefix; i < 4; i++, bits -= 8) {
    bytes.push(bits >= 8 ? 255 : bits <= 0 ? 0 : (0xff << (8 - bits)) & 0xff);
  }
  return bytes.join(".");
}

/** An address with a port as ipvsadm prints it: `192.0.2.1:80`, `[2001:db8::1]:80`. */
export function formatAddrPort(addr: string, port: number): string {
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
}
