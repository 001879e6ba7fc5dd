import type { CompiledConfig } from "../domain/compile";
import type { DestinationDef } from "../domain/routing-config";
import { send, type Answer } from "./http-attempt";

/**
 * A delivery to a CRM, as the CRM's own API documents it. Each step is one request; an
 * attempt stops at the first step that is not a 2xx, and that answer is the attempt's (the
 * schedule retries it). Every step but the task's can be repeated harmlessly; the task's id
 * is recorded as soon as the CRM answers it, and a later attempt never creates another.
 *
 * HubSpot (https://developers.hubspot.com/docs/api/crm): the contact upserted by email
 * (`POST /crm/v3/objects/contacts/batch/upsert`, `idProperty: "email"`) with the
 * `leadflare_segment` property and, when an owner was chosen, `hubspot_owner_id` (an owner
 * id, not a user id); then a task (`POST /crm/v3/objects/tasks`, `hs_timestamp` required),
 * associated with the contact (association type 204, task to contact).
 *
 * Salesforce (REST API): the Lead with the email (`GET /query`, SOQL), a Task for it (`WhoId`,
 * `Subject`, `ActivityDate`), then the Lead's `OwnerId` with `Sforce-Auto-Assign: FALSE`, or,
 * with no owner chosen, an update with `Sforce-Auto-Assign: TRUE` so assignment rules run.
 */

export const HUBSPOT_API = "https://api.hubapi.com";
const SALESFORCE_API_VERSION = "v61.0";

export interface CrmDelivery {
  id: string;
  email: string;
  to_segment: string;
  from_segment: string | null;
  owner: string | null;
  external_id: string | null;
}

export interface CrmContext {
  fetch: typeof fetch;
  config: CompiledConfig;
  /** Records the task the CRM created, at once (a crash after it must not create a second). */
  recordTask(taskId: string): Promise<void>;
}

type Crm = Extract<DestinationDef, { type: "hubspot" | "salesforce" }>;

const DELIVERED: Answer = { status: 200, retryAfter: null, error: null };

/** What the task says: the segment's sales action for this lead. */
function taskText(config: CompiledConfig, d: CrmDelivery) {
  const segment = config.segments.get(d.to_segment);
  const action = segment?.sales?.action ?? "Follow up";
  return {
    subject: `${action}: ${d.email}`.slice(0, 255),
    body: `Leadflare: ${d.email} moved from ${d.from_segment ?? "no segment"} to ${segment?.name ?? d.to_segment}.${segment?.sales?.track ? ` Track: ${segment.sales.track}.` : ""}`,
  };
}

const idOf = (json: unknown, path: (string | number)[]): string | undefined => {
  let at: unknown = json;
  for (const key of path) at = typeof at === "object" && at !== null ? (at as Record<string | number, unknown>)[key] : undefined;
  return typeof at === "string" || typeof at === "number" ? String(at) : undefined;
};

/** A 2xx whose body lacks the id the next step needs is the CRM's fault: retried like a 5xx. */
const missing = (what: string): Answer => ({ status: null, retryAfter: null, error: `the answer has no ${what}` });

export async function deliverToCrm(context: CrmContext, destination: Crm, target: { url: string; secret: string }, d: CrmDelivery, now: number): Promise<Answer> {
  const base = target.url.replace(/\/+$/, "");
  const headers = { authorization: `Bearer ${target.secret}`, "content-type": "application/json", accept: "application/json" };
  const call = (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    send(context.fetch, { method, url: `${base}${path}`, headers: { ...headers, ...extra }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const tasks = destination.tasks !== false;
  const text = taskText(context.config, d);

  if (destination.type === "hubspot") {
    const properties = { email: d.email, leadflare_segment: d.to_segment, ...(d.owner ? { hubspot_owner_id: d.owner } : {}) };
    const upsert = await call("POST", "/crm/v3/objects/contacts/batch/upsert", { inputs: [{ idProperty: "email", id: d.email, properties }] });
    if (upsert.error) return upsert;
    const contact = idOf(upsert.json, ["results", 0, "id"]);
    if (!contact) return missing("contact id");
    if (!tasks || d.external_id) return DELIVERED;
    const task = await call("POST", "/crm/v3/objects/tasks", {
      properties: {
        hs_timestamp: new Date(now).toISOString(), hs_task_subject: text.subject, hs_task_body: text.body,
        hs_task_status: "NOT_STARTED", hs_task_type: "TODO", ...(d.owner ? { hubspot_owner_id: d.owner } : {}),
      },
      associations: [{ to: { id: contact }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 204 }] }],
    });
    if (task.error) return task;
    const taskId = idOf(task.json, ["id"]);
    if (taskId) await context.recordTask(taskId);
    return DELIVERED;
  }

  const api = `/services/data/${destination.apiVersion ?? SALESFORCE_API_VERSION}`;
  const soql = `SELECT Id FROM Lead WHERE Email = '${d.email.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}' LIMIT 1`;
  const query = await call("GET", `${api}/query?q=${encodeURIComponent(soql)}`);
  if (query.error) return query;
  const lead = idOf(query.json, ["records", 0, "Id"]);
  if (!lead) return { status: null, retryAfter: null, error: "no Salesforce Lead has this email (yet)" };
  if (tasks && !d.external_id) {
    const task = await call("POST", `${api}/sobjects/Task`, {
      WhoId: lead, Subject: text.subject, Description: text.body, ActivityDate: new Date(now).toISOString().slice(0, 10), Status: "Not Started",
      ...(d.owner ? { OwnerId: d.owner } : {}),
    });
    if (task.error) return task;
    const taskId = idOf(task.json, ["id"]);
    if (taskId) await context.recordTask(taskId);
  }
  return d.owner
    ? call("PATCH", `${api}/sobjects/Lead/${lead}`, { OwnerId: d.owner }, { "sforce-auto-assign": "FALSE" })
    : call("PATCH", `${api}/sobjects/Lead/${lead}`, {}, { "sforce-auto-assign": "TRUE" });
}
