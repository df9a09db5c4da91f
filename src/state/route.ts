/** `ip -j route show` (and `ip -j -6 route show`): the routes of the main table. */
export interface Route {
  /** `default`, or ADDR/PREFIX (a host route has no prefix in ip's output: ADDR). */
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
}

export function parseIpRouteJson(text: string, what = "ip -j route show"): Route[] {
  const t = text.trim();
  if (!t) return [];
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch (e) {
    throw new Error(`${what}: not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(v)) throw new Error(`${what}: not a list of routes`);
  return v.flatMap((r: unknown) => {
    if (typeof r !== "object" || r === null) return [];
    const o = r as Record<string, unknown>;
    if (typeof o.dst !== "string") return [];
    // a multipath route lists its gateways under nexthops
    const hops = Array.isArray(o.nexthops) ? (o.nexthops as Record<string, unknown>[]) : [o];
    return hops.map((h) => ({
      dst: o.dst as string,
      ...(typeof h.gateway === "string" ? { gateway: (h.gateway as string).toLowerCase() } : {}),
      ...(typeof h.dev === "string" ? { dev: h.dev as string } : typeof o.dev === "string" ? { dev: o.dev as string } : {}),
    }));
  });
}
