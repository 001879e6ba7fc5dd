import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CONFIG_REFRESH_MS, ConfigCache, configCache, defaultDocument } from "../../src/config/active";
import { ConfigStore, SEED_AUTHOR } from "../../src/db/config-store";
import { activate, getActive } from "../support/admin";
import { defaultDocCopy } from "../support/config";
import { countingD1 } from "../support/counting-d1";
import { newVisitorId, personalize } from "../support/harness";

/** Time is passed in (or Date is frozen): the bound is stepped over, never waited for. */
const T0 = Date.UTC(2026, 10, 23, 12);

function heroDoc(text: string) {
  const doc = defaultDocCopy();
  doc.slots.hero!.variants.default = text;
  return doc;
}

/** Activates a document as another isolate would: straight into D1, this isolate's cache untouched. */
async function activateElsewhere(text: string, now: number): Promise<number> {
  const store = new ConfigStore(env.DB);
  const active = (await store.active())!;
  const result = await store.activate(
    active.version,
    { document: JSON.stringify(heroDoc(text)), author: "another isolate", message: null, action: "activate", rolledBackFrom: null, changes: [] },
    now,
  );
  if (!("activated" in result)) throw new Error("conflict");
  return result.activated;
}

const heroOf = (cached: { config: { doc: { slots: Record<string, { variants: Record<string, unknown> }> } } }) =>
  cached.config.doc.slots.hero!.variants.default;

afterEach(async () => {
  vi.useRealTimers();
  await activate(defaultDocument);
});

describe(`propagation: every isolate serves a new version within CONFIG_REFRESH_MS (${CONFIG_REFRESH_MS} ms)`, () => {
  it("the documented bound is at most 10 s", () => {
    expect(CONFIG_REFRESH_MS).toBeGreaterThan(0);
    expect(CONFIG_REFRESH_MS).toBeLessThanOrEqual(10_000);
  });

  it("two isolates: no D1 read inside the bound, one small read after it, then the new version", async () => {
    const [a, b] = [new ConfigCache(), new ConfigCache()];
    const defaultHero = defaultDocument.slots.hero.variants.default;
    expect(heroOf(await a.get(new ConfigStore(env.DB), T0))).toBe(defaultHero);
    expect(heroOf(await b.get(new ConfigStore(env.DB), T0 + 3000))).toBe(defaultHero);

    const activatedAt = T0 + 3500;
    const version = await activateElsewhere("propagated copy", activatedAt);

    // Inside each isolate's own bound: the cached version, and D1 is not asked.
    for (const [cache, lastCheck] of [[a, T0], [b, T0 + 3000]] as const) {
      const quiet = countingD1(env.DB);
      expect(heroOf(await cache.get(new ConfigStore(quiet.db), lastCheck + CONFIG_REFRESH_MS - 1))).toBe(defaultHero);
      expect(quiet.total()).toBe(0);
    }
    // By activation + CONFIG_REFRESH_MS every isolate serves the new version, for one small read.
    for (const cache of [a, b]) {
      const check = countingD1(env.DB);
      const fresh = await cache.get(new ConfigStore(check.db), activatedAt + CONFIG_REFRESH_MS);
      expect(fresh.version).toBe(version);
      expect(heroOf(fresh)).toBe("propagated copy");
      expect(check.total()).toBe(1);

      const after = countingD1(env.DB);
      expect((await cache.get(new ConfigStore(after.db), activatedAt + CONFIG_REFRESH_MS + 1)).version).toBe(version);
      expect(after.total()).toBe(0);
    }
  });

  it("a check that finds nothing new keeps the compiled configuration (no recompilation)", async () => {
    const cache = new ConfigCache();
    const first = await cache.get(new ConfigStore(env.DB), T0);
    const again = await cache.get(new ConfigStore(env.DB), T0 + CONFIG_REFRESH_MS);
    expect(again.config).toBe(first.config);
  });

  it("through the worker: /v1/personalize serves a version activated elsewhere once the bound has passed", async () => {
    // Later than any check this isolate has made so far, then frozen.
    const t0 = Date.now() + 60_000;
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(t0);
    expect((await personalize(newVisitorId(), "/")).slots.hero.text).toBe(defaultDocument.slots.hero.variants.default);
    await activateElsewhere("served everywhere", t0);
    vi.setSystemTime(t0 + CONFIG_REFRESH_MS - 1);
    expect((await personalize(newVisitorId(), "/")).slots.hero.text).toBe(defaultDocument.slots.hero.variants.default);
    vi.setSystemTime(t0 + CONFIG_REFRESH_MS);
    expect((await personalize(newVisitorId(), "/")).slots.hero.text).toBe("served everywhere");
  });

  it("the isolate that activates a version serves it at once", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 120_000);
    await personalize(newVisitorId(), "/");
    await activate(heroDoc("written through"));
    expect((await personalize(newVisitorId(), "/")).slots.hero.text).toBe("written through");
  });
});

describe("first start", () => {
  it("a fresh database activates the shipped default exactly once, however many first requests race", async () => {
    await env.DB.prepare("DELETE FROM config_versions").run();
    configCache.reset();
    const responses = await Promise.all([
      ...Array.from({ length: 5 }, () => personalize(newVisitorId(), "/")),
      ...Array.from({ length: 5 }, () => getActive()),
    ]);
    expect(responses).toHaveLength(10);
    const rows = await env.DB.prepare("SELECT version, author, action, document FROM config_versions").all<{ version: number; author: string; action: string; document: string }>();
    expect(rows.results).toHaveLength(1);
    expect(rows.results[0]).toMatchObject({ version: 1, author: SEED_AUTHOR, action: "activate" });
    expect(JSON.parse(rows.results[0]!.document)).toEqual(defaultDocument);
    expect((await getActive()).version).toBe(1);
  });
});
