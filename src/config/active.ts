import type { ConfigStore } from "../db/config-store";
import { compileConfig, type CompiledConfig } from "../domain/compile";
import { configSchema } from "../domain/config";
import defaultDocument from "./default.json";

/**
 * The propagation bound: an isolate serves its cached configuration for at most this long
 * before it asks D1 whether a newer version is active. A version activated at time T is
 * therefore served by every isolate to requests that start after T + 5 s (plus the one
 * D1 read of the check itself). The isolate that activated it serves it at once.
 */
export const CONFIG_REFRESH_MS = 5_000;

export interface ActiveConfig {
  version: number;
  config: CompiledConfig;
}

/** Parses and validates a stored document with the current schema (throws if invalid). */
export function compileDocument(document: unknown): CompiledConfig {
  return compileConfig(configSchema.parse(document));
}

let compiledDefault: CompiledConfig | undefined;

/**
 * The shipped default (src/config/default.json), compiled: what a fresh database
 * activates as version 1. Validated by the same schema as any edited document.
 */
export function shippedConfig(): CompiledConfig {
  compiledDefault ??= compileDocument(defaultDocument);
  return compiledDefault;
}

const shippedJson = JSON.stringify(defaultDocument);

/** What a fresh database activates as version 1 (see ConfigStore.active). */
export const shippedSeed = (now: number) => ({ document: shippedJson, now });

/**
 * The compiled active configuration, kept per isolate. Requests within CONFIG_REFRESH_MS
 * of the last check use it without touching D1; the first request after that makes one
 * small read (the version number; the document only when it changed). Time is passed in,
 * so tests can step over the bound without waiting.
 */
export class ConfigCache {
  private entry: (ActiveConfig & { checkedAt: number }) | undefined;

  constructor(readonly refreshMs = CONFIG_REFRESH_MS) {}

  async get(store: ConfigStore, now: number): Promise<ActiveConfig> {
    const entry = this.entry;
    if (!entry) return this.load(store, now);
    if (now - entry.checkedAt < this.refreshMs) return entry;
    return this.refresh(store, entry, now);
  }

  /** The isolate that activated a version serves it at once. Never goes back to an older one. */
  prime(version: number, config: CompiledConfig, now: number): void {
    if (!this.entry || version >= this.entry.version) this.entry = { version, config, checkedAt: now };
  }

  /** Forgets the cached configuration: the next request loads it from D1. */
  reset(): void {
    this.entry = undefined;
  }

  private async load(store: ConfigStore, now: number): Promise<ActiveConfig> {
    const stored = (await store.active(shippedSeed(now)))!;
    const config = tryCompile(stored.version, stored.document) ?? this.entry?.config ?? shippedConfig();
    this.prime(stored.version, config, now);
    return this.entry!;
  }

  private async refresh(store: ConfigStore, entry: ActiveConfig & { checkedAt: number }, now: number): Promise<ActiveConfig> {
    // Claim this check: requests arriving while it runs keep using the current entry.
    this.entry = { ...entry, checkedAt: now };
    let latest: Awaited<ReturnType<ConfigStore["activeUnless"]>>;
    try {
      latest = await store.activeUnless(entry.version);
    } catch (error) {
      // D1 did not answer: keep serving what we have and check again on the next request.
      console.error("configuration check failed", error);
      if (this.entry.version === entry.version) this.entry = { ...this.entry, checkedAt: entry.checkedAt };
      return entry;
    }
    if (!latest) return this.load(store, now);
    if (latest.document !== null) {
      this.prime(latest.version, tryCompile(latest.version, latest.document) ?? entry.config, now);
    }
    return this.entry!;
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

export { defaultDocument };
