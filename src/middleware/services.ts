import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { createServices } from "../services";

export const services = createMiddleware<AppEnv>(async (c, next) => {
  const built = await createServices(c.env, Date.now(), (work) => c.executionCtx.waitUntil(work));
  for (const [name, value] of Object.entries(built)) c.set(name as keyof typeof built, value as never);
  await next();
});
