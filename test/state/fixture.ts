/** The captured outputs of the real tools (test/fixtures/linux-6.1, see its README in ../shared). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/linux-6.1/${name}`, import.meta.url)), "utf8");
}

/** A small seeded generator, so the generated tables are varied but the same on every run. */
export function rng(seed: number): { int(min: number, max: number): number; pick<T>(xs: readonly T[]): T; bool(): boolean } {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return { int, pick: (xs) => xs[int(0, xs.length - 1)]!, bool: () => next() < 0.5 };
}
