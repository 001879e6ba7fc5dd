import { createMiddleware } from "hono/factory";
import { activeConfig } from "../config/active";
import { LeadStore } from "../db/store";
import type { AppEnv } from "../env";

export const services = createMiddleware<AppEnv>(async (c, next) => {
  c.set("now", Date.now());
  c.set("store", new LeadStore(c.env.DB));
  c.set("config", activeConfig());
  await next();
});
