declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Each rate-limit binding's limit as the tests run it (vitest.config.ts). */
    TEST_RATE_LIMITS: Record<string, number>;
  }
}

/** Vite's `?raw` imports (README and example checks): the file's text. */
declare module "*?raw" {
  const text: string;
  export default text;
}
