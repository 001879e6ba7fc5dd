import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import type { AppEnv } from "./env";
import { errorBody, handleError, validationHook } from "./errors";
import { services } from "./middleware/services";
import { clientScriptHandler } from "./routes/client-script";
import { DEMO_ROUTES, demoContactHandler, demoFile } from "./routes/demo";
import { eventsHandler, eventsRoute } from "./routes/events";
import { identifyHandler, identifyRoute } from "./routes/identify";
import { leadsGetHandler, leadsGetRoute } from "./routes/leads-get";
import { leadsImportHandler, leadsImportRoute } from "./routes/leads-import";
import { leadsPutHandler, leadsPutRoute } from "./routes/leads-put";
import { personalizeHandler, personalizeRoute } from "./routes/personalize";
import { personalizeGetHandler, personalizeGetRoute } from "./routes/personalize-get";

/** Endpoints a browser calls directly: CORS-enabled for LF_ALLOWED_ORIGINS only. */
const PUBLIC_PATHS = ["/v1/personalize", "/v1/events", "/v1/identify"];

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.onError(handleError);
  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404));

  for (const path of PUBLIC_PATHS) {
    app.use(
      path,
      cors({
        origin: (origin, c) => (allowedOrigins(c.env.LF_ALLOWED_ORIGINS).has(origin) ? origin : null),
        allowMethods: ["GET", "POST", "OPTIONS"],
        allowHeaders: ["Content-Type"],
        maxAge: 86400,
      }),
    );
  }
  app.use("/v1/*", services);

  app.openapi(personalizeRoute, personalizeHandler);
  app.openapi(personalizeGetRoute, personalizeGetHandler);
  app.openapi(eventsRoute, eventsHandler);
  app.openapi(identifyRoute, identifyHandler);
  app.openapi(leadsPutRoute, leadsPutHandler);
  app.openapi(leadsGetRoute, leadsGetHandler);
  app.openapi(leadsImportRoute, leadsImportHandler);

  app.openAPIRegistry.registerComponent("securitySchemes", "serverKey", {
    type: "http",
    scheme: "bearer",
    description: "LF_API_KEY: server-to-server callers (CRM, enrichment, ESPs)",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Leadflare",
      version: "1.0.0",
      description: "Edge lead segmentation and personalization. Errors: `{ error: { code, message, details? } }`.",
    },
  });
  app.get("/", (c) => c.json({ name: "leadflare", openapi: "/openapi.json" }));

  // The script tag and the demo site that uses it (not part of the JSON API).
  app.get("/p.js", clientScriptHandler);
  for (const [path, file] of DEMO_ROUTES) app.get(path, demoFile(file));
  app.post("/demo/contact", demoContactHandler);
  return app;
}

let cachedOrigins: { raw: string; set: Set<string> } | undefined;
function allowedOrigins(raw: string | undefined): Set<string> {
  if (cachedOrigins?.raw !== (raw ?? "")) {
    cachedOrigins = { raw: raw ?? "", set: new Set((raw ?? "").split(",").map((o) => o.trim()).filter(Boolean)) };
  }
  return cachedOrigins.set;
}
