import type { CompiledConfig } from "./compile";
import { matchesCondition } from "./conditions";
import { DEFAULT_QUIET_MINUTES, ENV_REFERENCE, type RoutingConfig } from "./routing-config";

/**
 * Which destinations hear of a lead's change of segment, and who it is assigned to (README
 * "Routing"). Pure: the ledger's review calls it with each transition it records.
 */

/** One delivery a transition asks for: a destination, through a rule (its index), with the pool its owner comes from. */
export interface RouteMatch {
  destination: string;
  rule: number;
  /** The owner ids to take in turn, or null when the rule names none. */
  pool: string[] | null;
}

function inSegment(config: CompiledConfig, segment: string | null, target: string): boolean {
  if (segment === null) return false;
  const candidate = config.candidates.find((c) => c.def.id === segment);
  return candidate ? candidate.path.includes(target) : segment === target;
}

/**
 * The deliveries a change from `from` to `to` asks for: each rule whose `on` holds for one of
 * its segments or groups (entering: in it now, not before; exiting: the other way round),
 * once per destination (the first rule naming it wins), among the `live` destinations only
 * (those whose secrets are set: the default configuration's rules are inert until then).
 */
export function routesFor(
  config: CompiledConfig,
  from: string | null,
  to: string,
  facts: object,
  live: ReadonlySet<string>,
): RouteMatch[] {
  const routing = config.doc.routing;
  if (!routing) return [];
  const matches = new Map<string, RouteMatch>();
  routing.rules.forEach((rule, index) => {
    const fires = rule.segments.some((s) => {
      const [before, after] = [inSegment(config, from, s), inSegment(config, to, s)];
      return rule.on === "enter" ? after && !before : before && !after;
    });
    if (!fires) return;
    for (const destination of rule.send) {
      if (!live.has(destination) || matches.has(destination)) continue;
      matches.set(destination, { destination, rule: index, pool: ownerPool(rule.owners, facts) });
    }
  });
  return [...matches.values()];
}

/** The account's owner (with `accountOwner`), else the first territory whose condition holds for the lead's facts, else the rule's default pool. */
export function ownerPool(owners: RoutingConfig["rules"][number]["owners"], facts: { account?: { owner?: string } }): string[] | null {
  if (!owners) return null;
  if (owners.accountOwner && facts.account?.owner) return [facts.account.owner];
  const territory = owners.territories?.find((t) => matchesCondition(facts, t.when));
  return territory?.pool ?? owners.pool ?? null;
}

/** The owner whose turn `turn` (1, 2, ...: an atomic counter's value) is in a pool. */
export function ownerAtTurn(pool: string[], turn: number): string {
  return pool[(((turn - 1) % pool.length) + pool.length) % pool.length]!;
}

export function quietPeriodMs(routing: RoutingConfig | undefined): number {
  return (routing?.quietMinutes ?? DEFAULT_QUIET_MINUTES) * 60_000;
}

/** The value of an `env:NAME` reference (or a literal), undefined when the secret is not set. */
export function resolveReference(value: string, env: Record<string, unknown>): string | undefined {
  const name = ENV_REFERENCE.exec(value)?.[1];
  if (name === undefined) return value;
  const found = env[name];
  return typeof found === "string" && found.trim() !== "" ? found.trim() : undefined;
}

/** What a destination names that must be set: its URLs and secrets. */
export function destinationRefs(d: RoutingConfig["destinations"][string]): string[] {
  switch (d.type) {
    case "webhook": return [d.url, d.secret];
    case "slack": return [d.url];
    case "hubspot": return [d.token, ...(d.baseUrl ? [d.baseUrl] : [])];
    case "salesforce": return [d.instanceUrl, d.token];
  }
}

/** Destinations every reference of which resolves in `env`: the ones that routing sends to. */
export function liveDestinations(routing: RoutingConfig | undefined, env: Record<string, unknown>): Set<string> {
  const live = new Set<string>();
  for (const [name, d] of Object.entries(routing?.destinations ?? {})) {
    if (destinationRefs(d).every((r) => resolveReference(r, env) !== undefined)) live.add(name);
  }
  return live;
}

/**
 * Standard Webhooks' retry schedule: the delay before each attempt after the first (5 s,
 * 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h): ten attempts in all, then dead-lettered.
 */
export const RETRY_DELAYS_MS = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400].map((s) => s * 1000);
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Queues delays a message by at most 12 hours; a later attempt is re-enqueued by the sweep. */
export const MAX_QUEUE_DELAY_MS = 12 * 3600_000;

export type Outcome =
  | { kind: "delivered" }
  | { kind: "retry"; at: number }
  | { kind: "dead" }
  | { kind: "disabled" };

/**
 * What follows attempt number `attempt` (1-based) answered with `status` (null: no answer:
 * a timeout or a network error): 2xx delivered; 410 disables the destination; 429 waits at
 * least its `Retry-After` (seconds); anything else is retried on the schedule until the last.
 */
export function afterAttempt(attempt: number, status: number | null, retryAfter: string | null, now: number): Outcome {
  if (status !== null && status >= 200 && status < 300) return { kind: "delivered" };
  if (status === 410) return { kind: "disabled" };
  if (attempt >= MAX_ATTEMPTS) return { kind: "dead" };
  const scheduled = RETRY_DELAYS_MS[attempt - 1]!;
  const asked = status === 429 ? retryAfterMs(retryAfter, now) : 0;
  return { kind: "retry", at: now + Math.min(Math.max(scheduled, asked), RETRY_DELAYS_MS.at(-1)!) };
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from now; 0 when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number {
  if (!header) return 0;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? 0 : Math.max(0, date - now);
}
