/**
 * A terminal for tests that drive programs as a person would: tmux on its
 * own socket, send-keys to type, capture-pane to read the screen.
 */
import { spawnSync } from "node:child_process";

export function tmuxUnavailable(): string | undefined {
  return spawnSync("tmux", ["-V"]).status === 0 ? undefined : "tmux is not installed";
}

export class Tmux {
  private readonly socket = `lvsh-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(command: string, env: Record<string, string> = {}, size = { cols: 160, rows: 60 }) {
    const exports = Object.entries(env).map(([k, v]) => `export ${k}='${v.replace(/'/g, "'\\''")}';`).join(" ");
    this.tmux(["new-session", "-d", "-s", "t", "-x", String(size.cols), "-y", String(size.rows), `${exports} ${command}`]);
  }

  private tmux(args: string[]): string {
    const r = spawnSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
    return r.stdout ?? "";
  }

  /** Types text (literally), then the named keys (Enter, Tab, C-d ...). */
  type(text: string, ...keys: string[]): void {
    if (text) this.tmux(["send-keys", "-t", "t", "-l", text]);
    for (const k of keys) this.tmux(["send-keys", "-t", "t", k]);
  }

  keys(...keys: string[]): void {
    this.type("", ...keys);
  }

  /** The terminal resized, as a person drags the window (the program gets SIGWINCH). */
  resize(cols: number, rows = 60): void {
    this.tmux(["resize-window", "-t", "t", "-x", String(cols), "-y", String(rows)]);
  }

  /** Clears what was on the screen and its scrollback (tmux's, not the program's). */
  clearHistory(): void {
    this.tmux(["send-keys", "-t", "t", "-R"]);
    this.tmux(["clear-history", "-t", "t"]);
  }

  screen(): string {
    return this.tmux(["capture-pane", "-t", "t", "-p", "-S", "-200"]);
  }

  alive(): boolean {
    return spawnSync("tmux", ["-L", this.socket, "has-session", "-t", "t"]).status === 0;
  }

  /** Waits until the screen matches, and returns it; a wait that never matches fails the test, with the screen. */
  async waitFor(re: RegExp, ms = 10000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() > end || !this.alive()) throw new Error(`the screen never showed ${re}${this.alive() ? "" : " (the program ended)"}; it shows:\n${s.trimEnd()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits until the program has left (its terminal closes with it); whether it did within ms. */
  async gone(ms = 10000): Promise<boolean> {
    const end = Date.now() + ms;
    while (this.alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    return !this.alive();
  }

  kill(): void {
    this.tmux(["kill-server"]);
  }
}
