/**
 * Tables a reader took as printed from an expected one (state/ipvsadm.ts
 * readAsPrinted: the kernel printed exactly the expected table's lines). The
 * diff holds such a table equal to the one it was read against without
 * comparing its 10,000 real servers again: a commit's verify, a rollback's.
 */
import type { IpvsService } from "./types.js";

const printedAs = new WeakMap<readonly IpvsService[], readonly IpvsService[]>();

/** `read` is `expected` as the kernel printed it, line for line. */
export function markPrintedAs(read: readonly IpvsService[], expected: readonly IpvsService[]): void {
  printedAs.set(read, expected);
}

/** Whether `read` was taken as printed from this very `expected` table. */
export function printedAsExpected(read: readonly IpvsService[], expected: readonly IpvsService[]): boolean {
  return printedAs.get(read) === expected;
}
