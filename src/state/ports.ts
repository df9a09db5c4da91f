/**
 * Service names that `ipvsadm -S` (without -n) and `ipvsadm -L` print for
 * ports, from the common entries of /etc/services (Debian's netbase). Only
 * a reader's table: lvsh itself always asks for numbers (-n).
 */
export const servicePorts: Readonly<Record<string, number>> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  http: 80,
  www: 80,
  pop3: 110,
  ntp: 123,
  imap: 143,
  imap2: 143,
  snmp: 161,
  ldap: 389,
  https: 443,
  submissions: 465,
  syslog: 514,
  submission: 587,
  ldaps: 636,
  imaps: 993,
  pop3s: 995,
  "ms-sql-s": 1433,
  radius: 1812,
  mysql: 3306,
  sip: 5060,
  "sip-tls": 5061,
  "xmpp-client": 5222,
  mdns: 5353,
  postgresql: 5432,
  "http-alt": 8080,
  webcache: 8080,
};

/** A port as ipvsadm accepts it: a number 0..65535 or a known service name. */
export function portNumber(text: string): number | null {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : null;
  }
  return Object.hasOwn(servicePorts, text) ? servicePorts[text]! : null;
}
