import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { experimental_readRawConfig } from "wrangler";

// Nothing fetches at run time, also when `npm test` runs outside .ci/run.
process.env.WRANGLER_SEND_METRICS ??= "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

// The rate limits are wrangler.toml's, but for the server key's: every test file's server
// calls share one key (and one counter per file), and test/routes/rate-limits.test.ts must go
// past that limit within seconds, not the 6,000 requests of the default.
const SERVER_KEY_LIMIT_IN_TESTS = 600;
interface RateLimitBinding {
  name: string;
  namespace_id: string;
  simple: { limit: number; period: 10 | 60 };
}
const rawConfig = experimental_readRawConfig({ config: "./wrangler.toml" }).rawConfig;
const configured: RateLimitBinding[] = rawConfig.ratelimits ?? [];
const ratelimits = configured.map((binding) =>
  binding.name === "LIMIT_SERVER_KEY" ? { ...binding, simple: { ...binding.simple, limit: SERVER_KEY_LIMIT_IN_TESTS } } : binding,
);

// wrangler.toml's module aliases, which the plugin does not apply by itself, so the tests run
// the modules the deployed worker bundles (src/openapi-registry.ts: no OpenAPI generator).
// An alias is the bare name only, as in wrangler (a deep import of the package is not aliased).
const aliases = Object.entries<string>(rawConfig.alias ?? {}).map(([name, target]) => ({
  find: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`),
  replacement: fileURLToPath(new URL(target, import.meta.url)),
}));

// Tests run inside workerd against a real (local) D1 with the real migrations applied.
export default defineConfig({
  resolve: { alias: aliases },
  // With the OpenAPI document's text, which wrangler.toml's `[define]` leaves out of the worker
  // (src/openapi-docs.d.ts): test/routes/openapi.test.ts compares the built /openapi.json with
  // createApp()'s own document. Nothing else depends on it: with `false`, that test alone fails.
  define: { LF_OPENAPI_DOCS: "true" },
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        ratelimits: Object.fromEntries(ratelimits.map(({ name, ...binding }) => [name, binding])),
        bindings: {
          // The limits in effect, by binding name, for the rate-limit tests.
          TEST_RATE_LIMITS: Object.fromEntries(ratelimits.map(({ name, simple }) => [name, simple.limit])),
          TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url))),
          // Two server keys and two named admin tokens: rotation and authors are tested.
          LF_API_KEY: "test-server-key, test-server-key-next",
          LF_ESP_KEY: "test-esp-key",
          LF_ADMIN_TOKENS: "ada:test-admin-ada,ops:test-admin-ops",
          LF_ADMIN_TOKEN: "test-admin-token",
          LF_LINK_SECRET: "test-link-secret",
          LF_PREVIEW_SECRET: "test-preview-secret",
          LF_SESSION_SECRET: "test-session-secret",
          LF_ALLOWED_ORIGINS: "https://site.example,http://127.0.0.1:8787",
          // The worker serves the demo site itself, at the origin test requests go to.
          LF_SITE_ORIGIN: "https://leadflare.test",
          // Small chunks: the re-evaluation tests go through many of them.
          LF_REEVALUATION_CHUNK: "3",
          // Routing's tests deliver to a receiver on 127.0.0.1 (test/support/receiver-server.ts).
          LF_DEV_ALLOW_LOOPBACK: "true",
          TEST_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        },
      },
    })),
  ],
  test: {
    include: ["test/domain/**/*.test.ts", "test/routes/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
    // A real HTTP receiver on 127.0.0.1 for routing's deliveries (started and stopped here).
    globalSetup: ["./test/support/receiver-server.ts"],
  },
});
