import { createMiddleware } from "hono/factory";
import { configCache } from "../config/active";
import { ConfigStore } from "../db/config-store";
import { PrivacyStore } from "../db/privacy-store";
import { LeadStore } from "../db/store";
import type { AppEnv } from "../env";

export const services = createMiddleware<AppEnv>(async (c, next) => {
  const now = Date.now();
  const configs = new ConfigStore(c.env.DB);
  // Cached per isolate: the periodic check for a newer version runs after the response.
  const active = await configCache.get(configs, now, (work) => c.executionCtx.waitUntil(work));
  c.set("now", now);
  c.set("store", new LeadStore(c.env.DB));
  c.set("privacy", new PrivacyStore(c.env.DB));
  c.set("configs", configs);
  c.set("config", active.config);
  c.set("configVersion", active.version);
  await next();
});
