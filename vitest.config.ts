import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Nothing fetches at run time, also when `npm test` runs outside .ci/run.
process.env.WRANGLER_SEND_METRICS ??= "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

// Tests run inside workerd against a real (local) D1 with the real migrations applied.
export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
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
        },
      },
    })),
  ],
  test: {
    include: ["test/domain/**/*.test.ts", "test/routes/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
  },
});
