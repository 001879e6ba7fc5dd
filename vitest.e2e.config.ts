import { defineConfig } from "vitest/config";

// Browser tests: plain Node (not workerd) drives Debian's chromium through playwright-core
// against a `wrangler dev` that test/e2e/support/worker.ts starts and stops.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/support/worker.ts"],
    // One worker and one browser for the whole run; files share them one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
