import { describe, expect, it } from "vitest";
import { ApiError } from "../../console/src/api-error";
import { errorAt, problemsAt, serverProblems, validateDraft, valueAt } from "../../console/src/draft";
import { admin } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { jsonOf } from "../support/harness";

/**
 * The console checks a draft with the server's own rules (one schema, src/domain/config.ts):
 * for any document, it finds exactly the problems POST /v1/admin/config/validate answers,
 * at the same paths.
 */

async function serverCheck(document: unknown) {
  const res = await admin("POST", "/v1/admin/config/validate", { document });
  const body = await jsonOf(res);
  return { status: res.status, error: res.status === 200 ? null : new ApiError(res.status, body.error.code, body.error.message, body.error.details) };
}

describe("a draft checked in the browser", () => {
  it("finds the server's problems, at the server's paths, field and reference problems alike", async () => {
    const draft: any = defaultDocCopy();
    draft.slots["primary-cta"].variants["smb-qualified"].url = "javascript:alert(1)";
    draft.slots.hero.variants["no-such-segment"] = "Hello";
    draft.segments[1].when = { score: { $gtee: 65 } };
    draft.segments[2].parent = "enterprise-hot";
    draft.scoring.engagement.halfLifeDays = -1;
    draft.retention.eventsDays = 30;

    const local = validateDraft(draft);
    const server = await serverCheck(draft);
    expect(server.status).toBe(422);
    expect(local.ok).toBe(false);
    if (local.ok) return;
    const fromServer = serverProblems(server.error!);
    expect(local.problems.map(({ key, message }) => ({ key, message }))).toEqual(fromServer.map(({ key, message }) => ({ key, message })));
    expect(local.problems).toEqual(fromServer);
    // A bad URL hides nothing: the reference checks still run.
    expect(local.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining(['content for unknown segment "no-such-segment"', 'parent "enterprise-hot" must be a group', "unknown operator $gtee"]),
    );

    const url = ["slots", "primary-cta", "variants", "smb-qualified", "url"];
    expect(errorAt(local.problems, url)).toMatch(/http\(s\) URL/);
    expect(valueAt(draft, url)).toBe("javascript:alert(1)");
    expect(problemsAt(local.problems, ["segments", 1], { within: true }).map((p) => p.key)).toEqual(['segments[1].when.score.$gtee']);
    expect(errorAt(local.problems, ["segments", 0])).toBeUndefined();
  });

  it("accepts what the server accepts", async () => {
    const draft = defaultDocCopy();
    draft.slots.hero!.variants["smb-qualified"] = "A new hero";
    expect(validateDraft(draft)).toMatchObject({ ok: true, document: { slots: { hero: { variants: { "smb-qualified": "A new hero" } } } } });
    expect((await serverCheck(draft)).status).toBe(200);
  });
});
