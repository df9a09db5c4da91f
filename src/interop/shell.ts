/**
 * `--format sh`: the plan against an empty state as POSIX shell scripts,
 * one per host (in the order the plan runs them) and one that undoes it,
 * for people who apply by hand or through their own tooling. Every
 * argument is quoted (plan's shellJoin); each command carries its reason.
 */
import { compile, describeTransport, type Config } from "../model/index.js";
import { makePlan, type Step } from "../plan/index.js";
import { shellJoin } from "../util/index.js";
import type { Document } from "./document.js";

function script(title: string[], lines: string[]): string {
  return ["#!/bin/sh", ...title.map((t) => `# ${t}`), "set -e", "", ...lines].join("\n") + "\n";
}

function doLines(steps: readonly Step[]): string[] {
  // a readiness check stops the script (set -e) where the commit would stop: before the director's script adds it
  return steps.flatMap((s) => [`# ${s.id}. ${s.reason}${s.ready ? ": exits 1 when it is not, before the director's script adds it" : ""}`, shellJoin(s.argv)]);
}

function undoLines(steps: readonly Step[]): string[] {
  // a check (or a wait) changed nothing: nothing to undo
  return [...steps].reverse().filter((s) => !s.ready && !s.wait).flatMap((s) => (s.undo ? [`# undo ${s.id}. ${s.reason}`, shellJoin(s.undo)] : [`# step ${s.id} cannot be undone: ${s.undoReason ?? "no undo"}: ${shellJoin(s.argv)}`]));
}

export function shellDocs(config: Config, source: string): Document[] {
  const plan = makePlan({ hosts: {} }, compile(config));
  const hosts = [...new Set(plan.steps.map((s) => s.host))];
  const order = hosts.map((h) => `${h}.sh`).join(", ");
  const undoOrder = [...hosts].reverse().map((h) => `${h}.undo.sh`).join(", ");
  return hosts.flatMap((host): Document[] => {
    const steps = plan.steps.filter((s) => s.host === host);
    const where = plan.hosts[host] ? describeTransport(plan.hosts[host]!) : host;
    const title = (what: string) => [`${what} on ${host} (${where}), from ${source} (lvsh export --format sh).`, "Run it as root on that host."];
    return [
      { name: `${host}.sh`, host, text: script([...title("The commands that build the balancer's part"), `Run the scripts in this order: ${order}.`], doLines(steps)) },
      { name: `${host}.undo.sh`, host, text: script([...title("The commands that take it down again"), `Run the undo scripts in this order: ${undoOrder}.`], undoLines(steps)) },
    ];
  });
}
