/** Synthetic traffic on a state directory's simulated director (sim/traffic.ts), as a test sets it. */
import { join } from "node:path";
import { defaultFlow, setFlow, SimExecutor, type SimFlow } from "../../src/sim/index.js";

/** Sets `cps` new connections per second on a service (`tcp 172.25.254.10:80`) of the simulated director; 0 stops it. */
export function simTraffic(stateDir: string, service: string, cps: number, flow: Partial<Omit<SimFlow, "cps">> = {}, now = Date.now()): SimFlow {
  const f: SimFlow = { ...defaultFlow, ...flow, cps };
  new SimExecutor("director", join(stateDir, "sim", "hosts")).update((h) => {
    h.traffic = setFlow(h.ipvs, h.traffic, service, f, now);
  });
  return f;
}
