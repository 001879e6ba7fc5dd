import type { ConfigStore } from "../db/config-store";
import { compileConfig, type CompiledConfig } from "../domain/compile";
import { configSchema } from "../domain/config";

/**
 * How often an isolate asks D1 whether a newer version is active. Under traffic the check
 * runs after the response (waitUntil), so requests keep their single D1 round trip.
 */
export const CONFIG_REFRESH_MS = 5_000;

/**
 * The propagation bound: a cached configuration older than this is never served without a
 * check first (an isolate idle that long checks before answering). A version activated at
 * time T is served by every isolate to every request that starts after T + 10 s, since
 * whatever it is served from was checked after T. The isolate that activated it serves it
 * at once.
 */
export const CONFIG_MAX_AGE_MS = 10_000;

export interface ActiveConfig {
  version: number;
  config: CompiledConfig;
}

/** Parses and validates a stored document with the current schema (throws if invalid). */
export function compileDocument(document: unknown): CompiledConfig {
  return compileConfig(configSchema.parse(document));
}

/**
 * The shipped default configuration's JSON (src/config/default.json), which a fresh database
 * activates as version 1. Not in the worker bundle: `npm run build` writes it to the static
 * assets as site/config/default.json, read once per isolate, and only when D1 has no version
 * yet or the stored one no longer compiles.
 */
export type ShippedDefault = () => Promise<string>;

let read: Promise<string> | undefined;
export function shippedFromAssets(assets: Fetcher): ShippedDefault {
  return () =>
    (read ??= assets.fetch("https://assets.invalid/site/config/default.json").then(async (res) => {
      if (res.status !== 200) {
        read = undefined;
        throw new Error(`site/config/default.json was not built (npm run build): the assets answered ${res.status}`);
      }
      return res.text();
    }));
}

/** Keeps work alive after the response is sent (the request's `executionCtx.waitUntil`). */
export type Defer = (work: Promise<unknown>) => void;

/**
 * The compiled active configuration, kept per isolate. Within CONFIG_REFRESH_MS of the last
 * successful check it is served without touching D1; after that, one small read (the
 * version number; the document only when it changed) runs in the background, one at a time,
 * while the cached version is served; past CONFIG_MAX_AGE_MS (or with nowhere to defer to)
 * the request checks before it is answered. Requests never wait on a promise another request
 * started: in Workers that promise dies with its request. Time is passed in, so tests step
 * over the bounds without waiting.
 */
export class ConfigCache {
  /** `checkedAt`: when the last check that succeeded started (its read saw everything before). */
  private entry: (ActiveConfig & { checkedAt: number }) | undefined;
  /**
   * When the running background check started (kept alive by the request that started it);
   * one that never settles (its request cancelled) stops counting after CONFIG_MAX_AGE_MS.
   */
  private checkingSince: number | undefined;
  /** Bumped whenever the entry is replaced, so a check that raced a newer answer is dropped. */
  private generation = 0;

  constructor(
    readonly refreshMs = CONFIG_REFRESH_MS,
    readonly maxAgeMs = CONFIG_MAX_AGE_MS,
  ) {}

  async get(store: ConfigStore, now: number, defer?: Defer): Promise<ActiveConfig> {
    const entry = this.entry;
    if (!entry) return this.load(store, now);
    const age = now - entry.checkedAt;
    if (age < this.refreshMs) return entry;
    if (defer && age < this.maxAgeMs) {
      if (this.checkingSince === undefined || now - this.checkingSince >= this.maxAgeMs) {
        this.checkingSince = now;
        defer(this.refresh(store, entry, now).finally(() => (this.checkingSince = undefined)));
      }
      return entry;
    }
    return this.refresh(store, entry, now);
  }

  /** The isolate that activated a version serves it at once. Never goes back to an older one. */
  prime(version: number, config: CompiledConfig, now: number): void {
    if (!this.entry || version >= this.entry.version) this.set({ version, config, checkedAt: now });
  }

  /** Forgets the cached configuration: the next request loads it from D1. */
  reset(): void {
    this.entry = undefined;
    this.checkingSince = undefined;
    this.generation++;
  }

  private set(entry: ActiveConfig & { checkedAt: number }): ActiveConfig {
    this.entry = entry;
    this.generation++;
    return entry;
  }

  private async load(store: ConfigStore, now: number): Promise<ActiveConfig> {
    const generation = this.generation;
    const stored = await store.activeOrSeed(now);
    // Primed by an activation in this isolate while the read was in flight: that is newer.
    if (this.entry && this.generation !== generation) return this.entry;
    const config = tryCompile(stored.version, stored.document) ?? this.entry?.config ?? compileDocument(JSON.parse(await store.shippedDocument()));
    return this.set({ version: stored.version, config, checkedAt: now });
  }

  /**
   * Asks D1 for the active version and takes its answer, also a lower number than the one
   * cached (a restored database): D1, not this isolate, says what is active. On failure the
   * entry stays as it was (its `checkedAt` too), so the next request checks again.
   */
  private async refresh(store: ConfigStore, entry: ActiveConfig & { checkedAt: number }, now: number): Promise<ActiveConfig> {
    const generation = this.generation;
    let latest: Awaited<ReturnType<ConfigStore["activeUnless"]>>;
    try {
      latest = await store.activeUnless(entry.version);
    } catch (error) {
      // D1 did not answer: keep serving what we have.
      console.error("configuration check failed", error);
      return this.entry ?? entry;
    }
    // Activated in this isolate while the check was in flight: that is the newer answer.
    if (this.generation !== generation) return this.entry ?? entry;
    if (!latest) return this.load(store, now);
    // A version this code cannot serve keeps the configuration we have, under its number,
    // so it is not downloaded again on every check; the next activation replaces it.
    const config = latest.document === null ? entry.config : (tryCompile(latest.version, latest.document) ?? entry.config);
    return this.set({ version: latest.version, config, checkedAt: now });
  }
}

/**
 * A stored version that no longer validates (the schema changed under it) is not served:
 * the isolate keeps what it has (the shipped default when cold), logs the problem for the
 * operator, and does not download that version again; the next activation replaces it.
 */
function tryCompile(version: number, document: string): CompiledConfig | null {
  try {
    return compileDocument(JSON.parse(document));
  } catch (error) {
    console.error(`configuration version ${version} is not valid with this code; not serving it`, error);
    return null;
  }
}

/** This isolate's cache, used by the services middleware. */
export const configCache = new ConfigCache();

