import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { defaultDocument } from "../../src/config/shipped";
import { getActive, putConfig } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { newVisitorId, personalize } from "../support/harness";

/**
 * A version accepted by older code can break a rule made stricter since (segment ids lost
 * `_` in the fixes issue). It is not served, and GET /v1/admin/config says so and why,
 * instead of the worker quietly serving the shipped default.
 */
describe("an active version the deployed code no longer accepts", () => {
  it("is reported with every problem at its path, is not served, and a valid edit on top of it replaces it", async () => {
    const before = await getActive();
    const legacy = defaultDocCopy();
    const renamed = legacy.segments.findIndex((s) => s.id === "smb-qualified");
    expect(renamed).toBeGreaterThan(0);
    legacy.segments[renamed]!.id = "smb_qualified";
    const version = before.version + 1;
    await env.DB.prepare(
      "INSERT INTO config_versions (version, document, author, action, changes, created_at) VALUES (?, ?, 'old-code', 'activate', '[]', ?)",
    )
      .bind(version, JSON.stringify(legacy), Date.now())
      .run();

    const active = await getActive();
    expect(active.version).toBe(version);
    expect((active as unknown as { problems: { path: string; message: string }[] }).problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: `segments[${renamed}].id`, message: expect.stringContaining("lower-case letters, digits and -") })]),
    );
    // Whatever the isolate had is what it keeps serving: never a segment id the rules refuse.
    const served = await personalize(newVisitorId(), "https://site.example/pricing");
    expect(served.segment.id).not.toBe("smb_qualified");

    // The fix: a valid document pushed on top of the stale version (its If-Match).
    const res = await putConfig(defaultDocument, version, { message: "fix legacy ids" });
    expect(res.status).toBe(200);
    const fixed = await getActive();
    expect(fixed.version).toBe(version + 1);
    expect(fixed).not.toHaveProperty("problems");
  });
});
