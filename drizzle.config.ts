import { defineConfig } from "drizzle-kit";

// Migrations are generated from src/db/schema.ts, schema-routing.ts, schema-holdouts.ts and schema-accounts.ts (`npm run db:generate`) and applied by
// wrangler (`wrangler d1 migrations apply`) and by the test setup (readD1Migrations).
export default defineConfig({
  dialect: "sqlite",
  schema: ["./src/db/schema.ts", "./src/db/schema-routing.ts", "./src/db/schema-holdouts.ts", "./src/db/schema-accounts.ts"],
  out: "./migrations",
});
