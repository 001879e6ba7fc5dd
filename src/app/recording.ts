import type { LeadStore, LinkVerification, NewEvent, PublicCap } from "../db/store";
import { checkCustomTraits } from "../domain/custom-traits";
import type { Traits, TraitsPatch } from "../domain/traits";
import { ApiError } from "../errors";
import type { Services } from "../services";
import { reviewIfChanged, type AfterResponse, type LedgerContext } from "./segment-ledger";

/**
 * The write paths that HTTP, cron and queue share: each records in one D1 round trip and
 * reads the lead back with its ledger row, and answers, with its plain result, the work to
 * run after the response (`afterResponse`: record the lead's segment change, null when its
 * segment did not change). Losing that work loses nothing: the write's mark makes the
 * sweep record the same change (src/app/segment-ledger.ts).
 */

export type RecordingServices = Pick<Services, "store" | "ledger" | "config" | "configVersion" | "routing" | "now">;

export interface Recorded<T> {
  result: T;
  /** `served`: the segment the response served, if the caller evaluated the lead (saves evaluating it again). */
  afterResponse: AfterResponse | null;
}

export function ledgerContext(services: Pick<Services, "ledger" | "config" | "configVersion" | "routing">): LedgerContext {
  return { ledger: services.ledger, config: services.config, configVersion: services.configVersion, routing: services.routing };
}

type Loaded = Awaited<ReturnType<LeadStore["recordPageViewAndLoad"]>>;

function withReview<T extends { ledger: Loaded["ledger"] } & Pick<Loaded, "leadId" | "traits" | "activity">>(
  services: RecordingServices,
  result: T,
): Recorded<T> {
  return { result, afterResponse: reviewIfChanged(ledgerContext(services), result, result.ledger, services.now) };
}

/** A page view (and, with `verify`, an email link's single-use verification); the lead read back. */
export async function recordPageView(
  services: RecordingServices,
  input: { visitorId: string; view: NewEvent; cap?: PublicCap; verify?: LinkVerification; asOrganization?: string | undefined },
) {
  const { store, now } = services;
  const loaded = await store.recordPageViewAndLoad(input.visitorId, crypto.randomUUID(), input.view, now, input.cap, input.verify, input.asOrganization);
  return withReview(services, loaded);
}

/**
 * A visitor's events (browser or the site's server). The one write path that does not read
 * the lead back: its answer needs no evaluation, and reading every aggregate back costs a
 * quarter of its throughput (bench). Its mark makes the next sweep (within the minute)
 * record any change, dated at the event's own time like any other.
 */
export async function recordVisitorEvents(
  services: RecordingServices,
  input: { visitorId: string; events: NewEvent[]; cap?: PublicCap | undefined; claimed?: Traits | null },
) {
  const { store, now } = services;
  const result = await store.recordVisitorEvents(input.visitorId, crypto.randomUUID(), input.events, now, input.cap, input.claimed ?? undefined);
  return { result, afterResponse: null };
}

/** Trusted traits for the lead with this email (created if new); its custom traits as the active configuration declares them (else 422). */
export async function changeTraits(services: RecordingServices, input: { email: string; patch: TraitsPatch }) {
  const { patch, problems } = checkCustomTraits(services.config.doc.traits, input.patch);
  if (problems.length > 0) throw ApiError.problems(problems);
  return withReview(services, await services.store.upsertTraits(input.email, patch, crypto.randomUUID(), services.now));
}

/** An email click or open for a lead (by id, following a merge). */
export async function recordEmailHit(services: RecordingServices, input: { leadId: string; hit: Parameters<LeadStore["recordEmailHitAndLoad"]>[1] }) {
  return withReview(services, await services.store.recordEmailHitAndLoad(input.leadId, input.hit));
}
