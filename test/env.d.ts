declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Each rate-limit binding's limit as the tests run it (vitest.config.ts). */
    TEST_RATE_LIMITS: Record<string, number>;
    /** The routing tests' webhook secret (the Standard Webhooks specification's example). */
    TEST_WEBHOOK_SECRET: string;
  }
}

/** Vite's `?raw` imports (README and example checks): the file's text. */
declare module "*?raw" {
  const text: string;
  export default text;
}
