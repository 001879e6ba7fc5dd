import { defineConfig } from "drizzle-kit";

// Migrations are generated from src/db/schema.ts and schema-routing.ts (`npm run db:generate`) and applied by
// wrangler (`wrangler d1 migrations apply`) and by the test setup (readD1Migrations).
export default defineConfig({
  dialect: "sqlite",
  schema: ["./src/db/schema.ts", "./src/db/schema-routing.ts"],
  out: "./migrations",
});
