import { describe, expect, it } from "vitest";
import { destinationUrlProblem } from "../../src/domain/destination-url";
import { afterAttempt, liveDestinations, MAX_ATTEMPTS, ownerAtTurn, RETRY_DELAYS_MS, routesFor } from "../../src/domain/routing";
import { compile, defaultDocCopy } from "../support/config";
import { configSchema } from "../../src/domain/config";

describe("destination URLs (SSRF)", () => {
  it("takes https URLs of public hosts", () => {
    for (const url of ["https://hooks.example.com/lf", "https://93.184.216.34/x", "https://[2606:4700::1111]/"]) expect(destinationUrlProblem(url, false), url).toBeNull();
  });

  it("refuses http, credentials, loopback, private, link-local and reserved addresses, however they are spelt", () => {
    const refused = [
      "http://hooks.example.com/", "https://user:pw@hooks.example.com/", "https://localhost/", "https://app.localhost/",
      "https://127.0.0.1/", "https://2130706433/", "https://0x7f.0.0.1/", "https://[::1]/", "https://[::ffff:127.0.0.1]/",
      "https://10.1.2.3/", "https://172.16.0.1/", "https://192.168.1.1/", "https://169.254.169.254/latest/meta-data",
      "https://100.64.0.1/", "https://0.0.0.0/", "https://[fd00::1]/", "https://[fe80::1]/", "https://[::ffff:a9fe:a9fe]/", "ftp://example.com/",
    ];
    for (const url of refused) expect(destinationUrlProblem(url, false), url).not.toBeNull();
  });

  it("LF_DEV_ALLOW_LOOPBACK lets loopback in, over http too, and nothing else", () => {
    expect(destinationUrlProblem("http://127.0.0.1:8788/hook", true)).toBeNull();
    expect(destinationUrlProblem("http://localhost:9/x", true)).toBeNull();
    expect(destinationUrlProblem("http://10.0.0.1/", true)).not.toBeNull();
    expect(destinationUrlProblem("http://hooks.example.com/", true)).not.toBeNull();
  });

  it("the configuration refuses a private destination URL at its path, and takes env:NAME", () => {
    const doc = defaultDocCopy();
    doc.routing!.destinations["crm-webhook"] = { type: "webhook", url: "https://169.254.169.254/", secret: "env:X" };
    const result = configSchema.safeParse(doc);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join("."))).toContain("routing.destinations.crm-webhook.url");
    doc.routing!.destinations["crm-webhook"] = { type: "webhook", url: "env:LF_URL", secret: "whsec_inline" };
    expect(configSchema.safeParse(doc).error!.issues.map((i) => i.path.join("."))).toEqual(["routing.destinations.crm-webhook.secret"]);
  });

  it("a rule naming an unknown segment or destination is a problem at its path", () => {
    const doc = defaultDocCopy();
    doc.routing!.rules.push({ on: "enter", segments: ["nope"], send: ["crm-webhook", "missing"] });
    const paths = configSchema.safeParse(doc).error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(["routing.rules.4.segments.0", "routing.rules.4.send.1"]);
  });
});

describe("which rules a change fires", () => {
  const config = compile(defaultDocCopy());
  const live = new Set(["crm-webhook"]);

  it("enter: in the segment now and not before; a group is entered from outside it only", () => {
    expect(routesFor(config, "smb-nurture", "smb-qualified", {}, live)).toEqual([{ destination: "crm-webhook", rule: 2, pool: null }]);
    const doc = defaultDocCopy();
    doc.routing!.rules = [{ on: "enter", segments: ["enterprise"], send: ["crm-webhook"] }, { on: "exit", segments: ["smb-qualified"], send: ["crm-webhook"] }];
    const grouped = compile(doc);
    expect(routesFor(grouped, "smb-nurture", "enterprise-cold", {}, live).map((m) => m.rule)).toEqual([0]);
    expect(routesFor(grouped, "enterprise-cold", "enterprise-hot", {}, live)).toEqual([]);
    expect(routesFor(grouped, "smb-qualified", "smb-nurture", {}, live).map((m) => m.rule)).toEqual([1]);
  });

  it("is inert until the destination's secrets are set", () => {
    expect(routesFor(config, "smb-nurture", "smb-qualified", {}, new Set())).toEqual([]);
    expect([...liveDestinations(config.doc.routing, {})]).toEqual([]);
    expect([...liveDestinations(config.doc.routing, { LF_ROUTING_WEBHOOK_URL: "https://x.example", LF_ROUTING_WEBHOOK_SECRET: " " })]).toEqual([]);
    expect([...liveDestinations(config.doc.routing, { LF_ROUTING_WEBHOOK_URL: "https://x.example", LF_ROUTING_WEBHOOK_SECRET: "whsec_a" })]).toEqual(["crm-webhook"]);
  });

  it("owners: the first territory whose condition holds, else the default pool; turns go round", () => {
    const doc = defaultDocCopy();
    doc.routing!.rules[0]!.owners = {
      territories: [{ name: "EMEA", when: { "company.country": { $in: ["DE", "FR", "GB"] } }, pool: ["emea-1", "emea-2"] }],
      pool: ["ae-1"],
    };
    const owned = compile(doc);
    expect(routesFor(owned, "enterprise-warm", "enterprise-hot", { company: { country: "DE" } }, live)[0]!.pool).toEqual(["emea-1", "emea-2"]);
    expect(routesFor(owned, "enterprise-warm", "enterprise-hot", { company: { country: "US" } }, live)[0]!.pool).toEqual(["ae-1"]);
    expect([1, 2, 3, 4].map((turn) => ownerAtTurn(["a", "b", "c"], turn))).toEqual(["a", "b", "c", "a"]);
  });
});

describe("after an attempt", () => {
  const now = 1_000_000;
  it("2xx delivered, 410 disabled, others retried on the Standard Webhooks schedule, then dead", () => {
    expect(afterAttempt(1, 204, null, now)).toEqual({ kind: "delivered" });
    expect(afterAttempt(3, 410, null, now)).toEqual({ kind: "disabled" });
    expect(RETRY_DELAYS_MS.map((_, i) => afterAttempt(i + 1, 500, null, now))).toEqual(RETRY_DELAYS_MS.map((d) => ({ kind: "retry", at: now + d })));
    expect(afterAttempt(MAX_ATTEMPTS, null, null, now)).toEqual({ kind: "dead" });
    expect(afterAttempt(1, 302, null, now)).toEqual({ kind: "retry", at: now + 5000 });
  });
  it("429 waits at least its Retry-After, in seconds or as a date, never past the longest delay", () => {
    expect(afterAttempt(1, 429, "90", now)).toEqual({ kind: "retry", at: now + 90_000 });
    expect(afterAttempt(1, 429, new Date(now + 600_000).toUTCString(), now).kind).toBe("retry");
    expect(afterAttempt(1, 429, "9999999", now)).toEqual({ kind: "retry", at: now + 86_400_000 });
    expect(afterAttempt(4, 429, "1", now)).toEqual({ kind: "retry", at: now + RETRY_DELAYS_MS[3]! });
  });

  it("owners: the account's owner first with accountOwner, else the territories and the pool", () => {
    const doc = defaultDocCopy();
    doc.routing!.rules[0]!.owners = { accountOwner: true, pool: ["ae-1"] };
    const owned = compile(doc);
    const live = new Set(["crm-webhook"]);
    const contact = { account: { owner: "ae-acme", technologies: [], engagedContacts: 0, score: 0, roles: [], seniorities: [] } };
    expect(routesFor(owned, "enterprise-warm", "enterprise-hot", contact, live)[0]!.pool).toEqual(["ae-acme"]);
    expect(routesFor(owned, "enterprise-warm", "enterprise-hot", { account: { ...contact.account, owner: undefined } }, live)[0]!.pool).toEqual(["ae-1"]);
    expect(routesFor(owned, "enterprise-warm", "enterprise-hot", {}, live)[0]!.pool).toEqual(["ae-1"]);
  });
});
