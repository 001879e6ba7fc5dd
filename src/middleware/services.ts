import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { createServices } from "../services";

export const services = createMiddleware<AppEnv>(async (c, next) => {
  const built = await createServices(c.env, Date.now(), (work) => c.executionCtx.waitUntil(work));
  c.set("now", built.now);
  c.set("store", built.store);
  c.set("directory", built.directory);
  c.set("privacy", built.privacy);
  c.set("configs", built.configs);
  c.set("ledger", built.ledger);
  c.set("config", built.config);
  c.set("configVersion", built.configVersion);
  await next();
});
