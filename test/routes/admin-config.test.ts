import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { defaultDocument } from "../../src/config/shipped";
import { activate, admin, getActive, putConfig, withActive } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { call, jsonOf, newVisitorId, personalize, SERVER_KEY } from "../support/harness";

const versionCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM config_versions").first<number>("n"))!;

/** The default document with the catch-all's hero text changed: harmless for any other test. */
function withHero(text: string) {
  const doc = defaultDocCopy();
  doc.slots.hero!.variants.default = text;
  return doc;
}

describe("admin API: authentication", () => {
  const routes: [string, string, unknown?][] = [
    ["GET", "/v1/admin/config"],
    ["PUT", "/v1/admin/config", { document: defaultDocument }],
    ["POST", "/v1/admin/config/validate", { document: defaultDocument }],
    ["GET", "/v1/admin/config/versions"],
    ["GET", "/v1/admin/config/versions/1"],
    ["POST", "/v1/admin/config/rollback", { version: 1 }],
    ["POST", "/v1/admin/evaluate", { facts: { score: 1 } }],
    ["POST", "/v1/admin/preview-links", { segment: "smb-qualified", url: "https://site.example/" }],
  ];

  it.each(routes)("%s %s: no key → 401, the server key → 401", async (method, path, body) => {
    await getActive(); // a fresh database activates the default on its first request, any request
    const before = await versionCount();
    for (const key of [null, SERVER_KEY, "wrong-token"]) {
      const res = await call(method, path, { body: body as Record<string, unknown>, key, headers: { "if-match": '"1"' } });
      expect(res.status).toBe(401);
      expect((await jsonOf(res)).error.code).toBe("unauthorized");
    }
    expect(await versionCount()).toBe(before);
  });
});

describe("GET/PUT /v1/admin/config", () => {
  it("returns the active document with its version, also as the ETag", async () => {
    const res = await admin("GET", "/v1/admin/config");
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(res.headers.get("etag")).toBe(`"${body.version}"`);
    expect(body).toMatchObject({ active: true, version: expect.any(Number), author: expect.any(String) });
    expect(body.document).toEqual(defaultDocument);
  });

  it("activates a valid document as a new version, served at once, with who/when/what/why in the audit", async () => {
    const before = await getActive();
    const res = await putConfig(withHero("Spring launch: segmentation for everyone"), before.version, { author: "ada@example.com", message: "spring copy" });
    try {
      expect(res.status).toBe(200);
      const body = await jsonOf(res);
      expect(res.headers.get("etag")).toBe(`"${before.version + 1}"`);
      // The author is who signed in (the test's LF_ADMIN_TOKEN, named admin); the header is a note.
      expect(body).toMatchObject({ version: before.version + 1, active: true, author: "admin", authorNote: "ada@example.com", message: "spring copy", action: "activate", changes: ["slots.hero changed"] });
      expect((await getActive()).document.slots.hero.variants.default).toBe("Spring launch: segmentation for everyone");
      expect((await personalize(newVisitorId(), "/")).slots.hero.text).toBe("Spring launch: segmentation for everyone");
      const versions = await jsonOf(await admin("GET", "/v1/admin/config/versions?limit=1"));
      expect(versions.versions[0]).toMatchObject({ version: before.version + 1, author: "admin", authorNote: "ada@example.com", message: "spring copy", createdAt: expect.any(String) });
    } finally {
      await activate(before.document);
    }
  });

  it("without If-Match → 428, and nothing changes", async () => {
    const before = await getActive();
    const res = await putConfig(withHero("no precondition"), null);
    expect(res.status).toBe(428);
    expect((await jsonOf(res)).error.code).toBe("precondition_required");
    expect(await getActive()).toEqual(before);
  });

  it("with an If-Match that is not a version → 400", async () => {
    const before = await getActive();
    for (const tag of ["*", '"abc"', 'W/"abc"', 'W/ "1"']) expect((await putConfig(withHero("bad tag"), tag)).status).toBe(400);
    expect(await getActive()).toEqual(before);
  });

  it("accepts the ETag weakened by a proxy (W/\"7\"), as Cloudflare does when it compresses a response", async () => {
    const before = await getActive();
    const res = await putConfig(withHero("through a compressing proxy"), `W/"${before.version}"`);
    try {
      expect(res.status).toBe(200);
      expect((await jsonOf(res)).version).toBe(before.version + 1);
    } finally {
      await activate(before.document, { author: "test", message: "restore" });
    }
  });

  it("based on a version that is no longer active → 409 naming the active one, and nothing changes", async () => {
    const start = await getActive();
    await withActive(withHero("someone else's edit"), async (current) => {
      const count = await versionCount();
      const res = await putConfig(withHero("my stale edit"), start.version);
      expect(res.status).toBe(409);
      const error = (await jsonOf(res)).error;
      expect(error.code).toBe("version_conflict");
      expect(error.message).toContain(`version ${current} is active`);
      expect(await versionCount()).toBe(count);
      expect((await getActive()).document.slots.hero.variants.default).toBe("someone else's edit");
    });
  });

  it("of two concurrent edits based on the same version, exactly one wins", async () => {
    const before = await getActive();
    const results = await Promise.all(["edit A", "edit B", "edit C"].map((text) => putConfig(withHero(text), before.version)));
    try {
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      expect((await getActive()).version).toBe(before.version + 1);
    } finally {
      await activate(before.document);
    }
  });
});

describe("validation: every problem with its JSON path, and nothing changes", () => {
  const cases: [string, (doc: any) => void, string, RegExp][] = [
    ["an unknown field", (d) => (d.segments[1].colour = "red"), "document.segments[1]", /colour/],
    ["a parent that does not exist", (d) => (d.segments[1].parent = "nowhere"), "document.segments[1].parent", /not a segment/],
    ["a cycle in parents", (d) => ((d.segments[0].parent = "enterprise-hot"), (d.segments[1].group = true)), "document.segments[0].parent", /cycle/],
    ["content for an unknown segment", (d) => (d.slots.hero.variants.ghost = "Boo"), 'document.slots.hero.variants.ghost', /unknown segment/],
    ["an unknown slot kind", (d) => (d.slots.hero.kind = "video"), "document.slots.hero.kind", /text.*cta/],
    ["an unknown operator", (d) => (d.segments[1].when.score = { $gtee: 65 }), "document.segments[1].when.score.$gtee", /unknown operator/],
    ["an unknown logical operator", (d) => (d.segments[1].when = { $xor: [] }), "document.segments[1].when.$xor", /unknown operator/],
    ["a fact path no fact provides", (d) => (d.segments[1].when = { "company.size": 5 }), 'document.segments[1].when["company.size"]', /no fact provides/],
    ["a signal referenced but not declared", (d) => (d.segments[1].when = { "signals.nope_7d": { $gte: 1 } }), 'document.segments[1].when["signals.nope_7d"]', /no fact provides/],
    ["no catch-all at the end", (d) => d.segments.pop(), "document.segments[11]", /catch-all/],
    ["a catch-all with a condition", (d) => (d.segments.at(-1).when = { score: { $gte: 1 } }), "document.segments[12]", /catch-all/],
    ["a duplicate segment id", (d) => (d.segments[2].id = "enterprise-hot"), "document.segments[2].id", /duplicate segment id/],
    ["a duplicate fit rule id", (d) => (d.scoring.fit.rules[1].id = "size-enterprise"), "document.scoring.fit.rules[1].id", /duplicate fit rule id/],
    ["a slot without a default variant", (d) => delete d.slots.hero.variants.default, "document.slots.hero.variants", /default/],
    ["a regular expression that can backtrack catastrophically", (d) => (d.segments[1].when = { "context.path": { $regex: "^/(a+)+$" } }), 'document.segments[1].when["context.path"].$regex', /backtrack/],
    ["a segment id with _", (d) => (d.segments[3].id = "enterprise_cold"), "document.segments[3].id", /lower-case letters, digits and -/],
    ["a slot id with upper case", (d) => (d.slots.Foo = d.slots.hero), "document.slots.Foo", /"Foo": lower-case letters, digits and -/],
    ["a variant key with _", (d) => (d.slots.hero.variants.smb_nurture = "Hi"), "document.slots.hero.variants.smb_nurture", /lower-case letters, digits and -/],
    ["a CTA path a browser opens on another host", (d) => (d.slots["primary-cta"].variants.default.url = "/\\evil.example/x"), 'document.slots["primary-cta"].variants.default.url', /path on the site/],
    ["an image path a browser loads from another host", (d) => (d.slots.banner.variants.default.src = "/\t/evil.example/x.png"), "document.slots.banner.variants.default.src", /http\(s\) URL or a path/],
    ["a javascript: URL in a CTA", (d) => (d.slots["primary-cta"].variants.default.url = "javascript:alert(1)"), 'document.slots["primary-cta"].variants.default.url', /http/],
    ["events kept for less than the scoring horizon", (d) => (d.retention.eventsDays = 30), "document.retention.eventsDays", /at least 90 days/],
  ];

  it.each(cases)("%s → 422 at its path (PUT and validate)", async (_, edit, path, message) => {
    const before = await getActive();
    const count = await versionCount();
    const doc = defaultDocCopy();
    edit(doc);
    for (const res of [await putConfig(doc, before.version), await admin("POST", "/v1/admin/config/validate", { document: doc })]) {
      expect(res.status).toBe(422);
      const { details } = (await jsonOf(res)).error;
      expect(details.map((d: { path: string }) => d.path)).toContain(path);
      expect(details.find((d: { path: string }) => d.path === path).message).toMatch(message);
    }
    expect(await versionCount()).toBe(count);
    expect(await getActive()).toEqual(before);
  });

  it("lists field problems and reference problems together", async () => {
    const doc = defaultDocCopy() as any;
    doc.slots.hero.kind = "video";
    doc.segments[1].parent = "nowhere";
    doc.segments[2].when = { score: { $gtee: 3 } };
    const res = await admin("POST", "/v1/admin/config/validate", { document: doc });
    expect(res.status).toBe(422);
    expect((await jsonOf(res)).error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      "document.segments[1].parent",
      "document.segments[2].when.score.$gtee",
      "document.slots.hero.kind",
    ]);
  });

  const nest = (depth: number, wrap: (inner: unknown) => unknown, leaf: unknown) => {
    let value = leaf;
    for (let i = 0; i < depth; i++) value = wrap(value);
    return value;
  };
  const deepConditions: [string, unknown][] = [
    ["$not inside $not", nest(5000, (c) => ({ $not: c }), { score: 1 })],
    ["$and inside $and", nest(5000, (c) => ({ $and: [c] }), { score: 1 })],
    ["a field's $not inside $not", { score: nest(5000, (v) => ({ $not: v }), { $gte: 1 }) }],
    ["$elemMatch inside $elemMatch", { "company.industry": nest(5000, (v) => ({ $elemMatch: v }), { $eq: "x" }) }],
    ["a plain value inside itself", { "company.industry": nest(5000, (v) => ({ a: v }), "x") }],
    ["arrays inside arrays", { "company.industry": { $in: nest(5000, (v) => [v], "x") } }],
  ];

  it.each(deepConditions)("a condition nested too deeply (%s) → 422, not a crash, and nothing changes", async (_, when) => {
    const before = await getActive();
    const count = await versionCount();
    const doc = defaultDocCopy() as any;
    doc.segments[1].when = when;
    for (const res of [await putConfig(doc, before.version), await admin("POST", "/v1/admin/config/validate", { document: doc })]) {
      expect(res.status).toBe(422);
      const problem = (await jsonOf(res)).error.details.find((d: { message: string }) => /nest at most 64 levels/.test(d.message));
      expect(problem?.path).toMatch(/^document\.segments\[1\]\.when/);
    }
    expect(await versionCount()).toBe(count);
    expect(await getActive()).toEqual(before);
  });

  it("a condition nested 64 levels deep is still accepted", async () => {
    const doc = defaultDocCopy() as any;
    // Each $and is two levels (an object holding an array); the leaf is two more.
    doc.segments[1].when = nest(31, (c) => ({ $and: [c] }), { score: { $gte: 65 } });
    const res = await admin("POST", "/v1/admin/config/validate", { document: doc });
    expect(res.status).toBe(200);
  });

  it("validate accepts a valid document and stores nothing", async () => {
    const count = await versionCount();
    const res = await admin("POST", "/v1/admin/config/validate", { document: withHero("only checking") });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ valid: true });
    expect(await versionCount()).toBe(count);
    expect((await getActive()).document).toEqual(defaultDocument);
  });

  it('a file written by config:pull ("$version" on top) passes validate, evaluate and PUT; no stored version carries it', async () => {
    const before = await getActive();
    const pulled = { $version: before.version, ...withHero("pulled, edited, sent with curl") };
    expect((await admin("POST", "/v1/admin/config/validate", { document: pulled })).status).toBe(200);
    expect((await admin("POST", "/v1/admin/evaluate", { facts: { score: 1 }, config: pulled })).status).toBe(200);
    const notANumber = await admin("POST", "/v1/admin/config/validate", { document: { ...pulled, $version: "3" } });
    expect(notANumber.status).toBe(422);
    expect((await jsonOf(notANumber)).error.details[0].path).toBe("document.$version");

    const res = await putConfig(pulled, before.version);
    try {
      expect(res.status).toBe(200);
      const { version } = await jsonOf(res);
      const stored = await jsonOf(await admin("GET", `/v1/admin/config/versions/${version}`));
      expect(stored.document).not.toHaveProperty("$version");
      expect(stored.document.slots.hero.variants.default).toBe("pulled, edited, sent with curl");
    } finally {
      await activate(before.document);
    }
  });
});

describe("versions and rollback", () => {
  it("lists versions newest first, a page at a time", async () => {
    const start = await getActive();
    const a = await activate(withHero("page test A"), { author: "a" });
    const b = await activate(withHero("page test B"), { author: "b" });
    try {
      const first = await jsonOf(await admin("GET", "/v1/admin/config/versions?limit=2"));
      expect(first.active).toBe(b);
      expect(first.versions.map((v: { version: number }) => v.version)).toEqual([b, a]);
      expect(first.versions.map((v: { active: boolean }) => v.active)).toEqual([true, false]);
      expect(first.next).toBe(a);
      const second = await jsonOf(await admin("GET", `/v1/admin/config/versions?limit=2&before=${first.next}`));
      expect(second.versions[0].version).toBe(start.version);
      const all: number[] = [];
      for (let before: number | null = null; ; ) {
        const page: { versions: { version: number }[]; next: number | null } = await jsonOf(await admin("GET", `/v1/admin/config/versions?limit=3${before ? `&before=${before}` : ""}`));
        all.push(...page.versions.map((v) => v.version));
        if (page.next === null) break;
        before = page.next;
      }
      expect(all).toEqual(Array.from({ length: b }, (_, i) => b - i));
      expect((await admin("GET", "/v1/admin/config/versions?limit=0")).status).toBe(422);
    } finally {
      await activate(start.document);
    }
  });

  it("rolls back by activating a copy of an old version as a new one, audited", async () => {
    const start = await getActive();
    const good = await activate(withHero("the good copy"));
    const bad = await activate(withHero("the bad copy"));
    try {
      const res = await admin("POST", "/v1/admin/config/rollback", { version: good, message: "bad copy" }, { "x-leadflare-author": "ops" });
      expect(res.status).toBe(200);
      const body = await jsonOf(res);
      expect(body).toMatchObject({ version: bad + 1, action: "rollback", rolledBackFrom: good, author: "admin", authorNote: "ops", message: "bad copy", changes: ["slots.hero changed"] });
      expect(res.headers.get("etag")).toBe(`"${bad + 1}"`);
      expect((await getActive()).document.slots.hero.variants.default).toBe("the good copy");
      expect((await personalize(newVisitorId(), "/")).slots.hero.text).toBe("the good copy");
      const old = await jsonOf(await admin("GET", `/v1/admin/config/versions/${bad}`));
      expect(old).toMatchObject({ version: bad, active: false });
      expect(old.document.slots.hero.variants.default).toBe("the bad copy");
    } finally {
      await activate(start.document);
    }
  });

  it("rollback to a version that does not exist → 404; with a stale If-Match → 409; nothing changes", async () => {
    const before = await getActive();
    const count = await versionCount();
    expect((await admin("POST", "/v1/admin/config/rollback", { version: 99_999 })).status).toBe(404);
    expect((await admin("POST", "/v1/admin/config/rollback", { version: 1 }, { "if-match": `"${before.version + 5}"` })).status).toBe(409);
    expect((await admin("GET", "/v1/admin/config/versions/99999")).status).toBe(404);
    expect(await versionCount()).toBe(count);
    expect(await getActive()).toEqual(before);
  });
});

describe("documents", () => {
  it("/openapi.json documents every admin route with the admin token, its schemas and errors", async () => {
    const doc = await jsonOf(await call("GET", "/openapi.json"));
    expect(doc.components.securitySchemes.adminToken).toMatchObject({ type: "http", scheme: "bearer" });
    const adminOps = [
      ["/v1/admin/config", "get"],
      ["/v1/admin/config", "put"],
      ["/v1/admin/config/validate", "post"],
      ["/v1/admin/config/versions", "get"],
      ["/v1/admin/config/versions/{version}", "get"],
      ["/v1/admin/config/rollback", "post"],
      ["/v1/admin/evaluate", "post"],
      ["/v1/admin/preview-links", "post"],
    ] as const;
    for (const [path, method] of adminOps) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op.security).toEqual([{ adminToken: [] }, { adminSession: [] }, { accessJwt: [] }]);
      expect(op.responses).toHaveProperty("200");
      expect(op.responses).toHaveProperty("401");
    }
    for (const [path, method] of adminOps.filter(([, m]) => m !== "get")) expect(doc.paths[path][method].responses).toHaveProperty("422");
    const put = doc.paths["/v1/admin/config"].put;
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(["409", "428"]));
    expect(put.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: "header", name: "if-match", required: true }),
        expect.objectContaining({ in: "header", name: "x-leadflare-author" }),
      ]),
    );
    expect(doc.components.schemas).toHaveProperty("ConfigDocument");
    expect(doc.components.schemas.Personalization.properties).toHaveProperty("preview");
  });

  it("/v1/config.schema.json is the document's JSON Schema, public and without secrets", async () => {
    const res = await call("GET", "/v1/config.schema.json");
    expect(res.status).toBe(200);
    const text = await res.text();
    const schema = JSON.parse(text);
    expect(schema).toMatchObject({ type: "object", additionalProperties: false });
    expect(schema.required).toEqual(expect.arrayContaining(["pageCategories", "signals", "scoring", "segments", "slots"]));
    expect(schema.properties.segments.items.properties).toHaveProperty("parent");
    for (const secret of [env.LF_API_KEY, env.LF_ADMIN_TOKEN, env.LF_LINK_SECRET, env.LF_PREVIEW_SECRET]) expect(text).not.toContain(secret);
  });
});
