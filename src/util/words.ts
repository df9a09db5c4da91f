/** `1 step`, `3 steps`: a count and its noun, in agreement. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
