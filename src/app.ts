import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import { errorBody, handleError, validationHook } from "./errors";
import { allowedOriginOnly, publicCors } from "./middleware/origin";
import { clientIp, credentialKey, rateLimit } from "./middleware/rate-limit";
import { services } from "./middleware/services";
import { SESSION_COOKIE } from "./middleware/session-cookie";
import { adminConfigGetHandler, adminConfigGetRoute } from "./routes/admin-config-get";
import { adminConfigPutHandler, adminConfigPutRoute } from "./routes/admin-config-put";
import { adminConfigRollbackHandler, adminConfigRollbackRoute } from "./routes/admin-config-rollback";
import { adminConfigValidateHandler, adminConfigValidateRoute } from "./routes/admin-config-validate";
import { adminConfigVersionGetHandler, adminConfigVersionGetRoute } from "./routes/admin-config-version-get";
import { adminConfigVersionsHandler, adminConfigVersionsRoute } from "./routes/admin-config-versions";
import { adminEvaluateHandler, adminEvaluateRoute } from "./routes/admin-evaluate";
import { adminLeadEraseHandler, adminLeadEraseRoute } from "./routes/admin-lead-erase";
import { adminLeadExportHandler, adminLeadExportRoute } from "./routes/admin-lead-export";
import { adminLeadGetHandler, adminLeadGetRoute } from "./routes/admin-lead-get";
import { adminLedgerReevaluationHandler, adminLedgerReevaluationRoute } from "./routes/admin-ledger-reevaluation";
import { adminLeadsSearchHandler, adminLeadsSearchRoute } from "./routes/admin-leads-search";
import { adminDeliveriesHandler, adminDeliveriesRoute } from "./routes/admin-deliveries";
import { adminDeliveryReplayHandler, adminDeliveryReplayRoute } from "./routes/admin-delivery-replay";
import { adminRoutingHandler, adminRoutingRoute } from "./routes/admin-routing";
import { adminPreviewLinksHandler, adminPreviewLinksRoute } from "./routes/admin-preview-links";
import { adminReportFlowsHandler, adminReportFlowsRoute } from "./routes/admin-report-flows";
import { adminReportSegmentsHandler, adminReportSegmentsRoute } from "./routes/admin-report-segments";
import { adminReportHealthHandler, adminReportHealthRoute } from "./routes/admin-report-health";
import { adminReportLiftHandler, adminReportLiftRoute } from "./routes/admin-report-lift";
import {
  adminSessionDeleteHandler, adminSessionDeleteRoute, adminSessionGetHandler, adminSessionGetRoute, adminSessionPostHandler, adminSessionPostRoute,
} from "./routes/admin-session";
import { configSchemaHandler, configSchemaRoute } from "./routes/config-schema";
import { consoleHandler } from "./routes/console";
import { emailClickHandler, emailClickRoute } from "./routes/email-click";
import { emailContentGetHandler, emailContentGetRoute, emailContentPostHandler, emailContentPostRoute } from "./routes/email-content";
import { emailOpenHandler, emailOpenRoute } from "./routes/email-open";
import { clientScriptHandler } from "./routes/client-script";
import { DEMO_ROUTES, demoContactHandler, demoFile, demoImageHandler } from "./routes/demo";
import { eventsHandler, eventsRoute } from "./routes/events";
import { identifyHandler, identifyRoute } from "./routes/identify";
import { leadsEraseHandler, leadsEraseRoute } from "./routes/leads-erase";
import { leadsExportHandler, leadsExportRoute } from "./routes/leads-export";
import { leadsGetHandler, leadsGetRoute } from "./routes/leads-get";
import { accountsBatchHandler, accountsBatchRoute } from "./routes/accounts-batch";
import { adminAccountsHandler, adminAccountsRoute } from "./routes/admin-accounts";
import { adminAccountsUploadHandler, adminAccountsUploadRoute } from "./routes/admin-accounts-upload";
import { accountsDeleteHandler, accountsDeleteRoute } from "./routes/accounts-delete";
import { accountsGetHandler, accountsGetRoute } from "./routes/accounts-get";
import { accountsPutHandler, accountsPutRoute } from "./routes/accounts-put";
import { leadsSegmentsHandler, leadsSegmentsRoute } from "./routes/leads-segments";
import { leadsBatchHandler, leadsBatchRoute } from "./routes/leads-batch";
import { leadsImportHandler, leadsImportRoute } from "./routes/leads-import";
import { leadsMergeHandler, leadsMergeRoute } from "./routes/leads-merge";
import { leadsPutHandler, leadsPutRoute } from "./routes/leads-put";
import { leadsVisitorsHandler, leadsVisitorsRoute } from "./routes/leads-visitors";
import { openApiHandler } from "./routes/openapi";
import { personalizeHandler, personalizeRoute } from "./routes/personalize";
import { personalizeGetHandler, personalizeGetRoute } from "./routes/personalize-get";
import { rateLimitErrors } from "./routes/schemas";
import { adminLeadSegmentsHandler, adminLeadSegmentsRoute } from "./routes/admin-lead-segments";
import { segmentMembersHandler, segmentMembersRoute } from "./routes/segment-members";
import { adminSegmentsListHandler, adminSegmentsListRoute, segmentsListHandler, segmentsListRoute } from "./routes/segments-list";

/** Endpoints a browser calls directly: CORS and writes for LF_ALLOWED_ORIGINS only. */
const PUBLIC_PATHS = ["/v1/personalize", "/v1/events", "/v1/identify"];
/**
 * Rate limits one key decides, checked before authentication and the body, so a refused
 * request costs no D1 at all: the server API per key, the admin API per client IP. (The
 * public endpoints' limits need the visitor id: their handlers check them.)
 */
const LIMITED_PREFIXES = [
  ["/v1/leads/", rateLimit("serverKey", credentialKey)],
  ["/v1/leads:batch", rateLimit("serverKey", credentialKey)],
  ["/v1/email/", rateLimit("serverKey", credentialKey)],
  ["/v1/admin/", rateLimit("adminIp", clientIp)],
  ["/v1/segments", rateLimit("serverKey", credentialKey)],
  ["/v1/accounts", rateLimit("serverKey", credentialKey)],
] as const;

/**
 * The middleware path of a limited prefix. An operation's own path (`/v1/leads:batch`) is
 * matched as it is: a wildcard after `:batch` is a pattern Hono's RegExpRouter cannot compile,
 * and one such path makes the app route every request with its slower trie router
 * (test/routes/router.test.ts checks which one serves).
 */
const limitedPath = (prefix: string) => (prefix.includes(":") ? prefix : `${prefix}*`);

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.onError(handleError);
  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404));

  for (const path of PUBLIC_PATHS) app.use(path, publicCors, allowedOriginOnly);
  for (const [prefix, limit] of LIMITED_PREFIXES) app.use(limitedPath(prefix), limit);
  app.use("/v1/*", services);
  app.use("/r/*", services);
  app.use("/i/*", services);
  app.use("/demo/contact", services);

  app.openapi(personalizeRoute, personalizeHandler);
  app.openapi(personalizeGetRoute, personalizeGetHandler);
  app.openapi(eventsRoute, eventsHandler);
  app.openapi(identifyRoute, identifyHandler);
  app.openapi(leadsPutRoute, leadsPutHandler);
  app.openapi(leadsBatchRoute, leadsBatchHandler);
  app.openapi(leadsGetRoute, leadsGetHandler);
  app.openapi(leadsSegmentsRoute, leadsSegmentsHandler);
  app.openapi(leadsImportRoute, leadsImportHandler);
  app.openapi(leadsMergeRoute, leadsMergeHandler);
  app.openapi(leadsVisitorsRoute, leadsVisitorsHandler);
  app.openapi(leadsEraseRoute, leadsEraseHandler);
  app.openapi(leadsExportRoute, leadsExportHandler);
  app.openapi(accountsBatchRoute, accountsBatchHandler);
  app.openapi(accountsPutRoute, accountsPutHandler);
  app.openapi(accountsGetRoute, accountsGetHandler);
  app.openapi(accountsDeleteRoute, accountsDeleteHandler);
  app.openapi(adminAccountsRoute, adminAccountsHandler);
  app.openapi(adminAccountsUploadRoute, adminAccountsUploadHandler);
  app.openapi(adminConfigGetRoute, adminConfigGetHandler);
  app.openapi(adminConfigPutRoute, adminConfigPutHandler);
  app.openapi(adminConfigValidateRoute, adminConfigValidateHandler);
  app.openapi(adminConfigVersionsRoute, adminConfigVersionsHandler);
  app.openapi(adminConfigVersionGetRoute, adminConfigVersionGetHandler);
  app.openapi(adminConfigRollbackRoute, adminConfigRollbackHandler);
  app.openapi(adminEvaluateRoute, adminEvaluateHandler);
  app.openapi(adminLeadsSearchRoute, adminLeadsSearchHandler);
  app.openapi(adminDeliveriesRoute, adminDeliveriesHandler);
  app.openapi(adminDeliveryReplayRoute, adminDeliveryReplayHandler);
  app.openapi(adminRoutingRoute, adminRoutingHandler);
  app.openapi(adminLeadGetRoute, adminLeadGetHandler);
  app.openapi(adminLeadExportRoute, adminLeadExportHandler);
  app.openapi(adminLeadEraseRoute, adminLeadEraseHandler);
  app.openapi(adminPreviewLinksRoute, adminPreviewLinksHandler);
  app.openapi(adminReportSegmentsRoute, adminReportSegmentsHandler);
  app.openapi(adminReportLiftRoute, adminReportLiftHandler);
  app.openapi(adminReportHealthRoute, adminReportHealthHandler);
  app.openapi(adminReportFlowsRoute, adminReportFlowsHandler);
  app.openapi(adminLedgerReevaluationRoute, adminLedgerReevaluationHandler);
  app.openapi(adminSessionPostRoute, adminSessionPostHandler);
  app.openapi(adminSessionGetRoute, adminSessionGetHandler);
  app.openapi(adminSessionDeleteRoute, adminSessionDeleteHandler);
  app.openapi(configSchemaRoute, configSchemaHandler);
  app.openapi(emailContentGetRoute, emailContentGetHandler);
  app.openapi(emailContentPostRoute, emailContentPostHandler);
  app.openapi(emailClickRoute, emailClickHandler);
  app.openapi(emailOpenRoute, emailOpenHandler);
  app.openapi(segmentsListRoute, segmentsListHandler);
  app.openapi(segmentMembersRoute, segmentMembersHandler);
  app.openapi(adminSegmentsListRoute, adminSegmentsListHandler);
  app.openapi(adminLeadSegmentsRoute, adminLeadSegmentsHandler);
  // A token with a slash cannot be ours; an email link still must not end on an error page.
  app.get("/r/*", (c) => c.redirect("/r/-", 302));
  app.get("/i/*", (c) => c.redirect("/i/-", 302));

  // What only the OpenAPI document says (LF_OPENAPI_DOCS: src/openapi-docs.d.ts): not in the worker's bundle.
  if (LF_OPENAPI_DOCS) {
    // The prefix limits apply to every route under them, so their 429 is documented here.
    for (const definition of app.openAPIRegistry.definitions) {
      if (definition.type !== "route" || !LIMITED_PREFIXES.some(([prefix]) => definition.route.path.startsWith(prefix))) continue;
      definition.route.responses[429] ??= rateLimitErrors[429];
    }
    const schemes = {
      serverKey: ["bearer", "LF_API_KEY: server-to-server callers (CRM, enrichment, your site's server); any of its comma-separated keys"],
      serverKeyBasic: ["basic", "LF_API_KEY as the HTTP Basic password, any user name (for ESPs that only send Basic)"],
      espKey: ["bearer", "LF_ESP_KEY: the ESP's key, for email content only (403 `forbidden` anywhere else); any of its comma-separated keys"],
      espKeyBasic: ["basic", "LF_ESP_KEY as the HTTP Basic password, any user name"],
      adminToken: ["bearer", "An admin token of LF_ADMIN_TOKENS (`name:token` pairs; the name is the audit trail's author) or the deprecated LF_ADMIN_TOKEN (named `admin`); the server key is not accepted"],
    } as const;
    for (const [name, [scheme, description]] of Object.entries(schemes)) {
      app.openAPIRegistry.registerComponent("securitySchemes", name, { type: "http", scheme, description });
    }
    app.openAPIRegistry.registerComponent("securitySchemes", "adminSession", {
      type: "apiKey",
      in: "cookie",
      name: SESSION_COOKIE,
      description: "The console's session (POST /v1/admin/session); a change also needs this worker's own Origin (403 `csrf`)",
    });
    app.openAPIRegistry.registerComponent("securitySchemes", "accessJwt", {
      type: "apiKey",
      in: "header",
      name: "Cf-Access-Jwt-Assertion",
      description: "Cloudflare Access (LF_ACCESS_TEAM_DOMAIN, LF_ACCESS_AUD): the signed-in email is the author; a change also needs this worker's own Origin",
    });
  }
  // Generated from these routes by `npm run build`, served as a static asset (src/routes/openapi.ts).
  app.get("/openapi.json", openApiHandler);
  app.get("/", (c) => c.json({ name: "leadflare", openapi: "/openapi.json" }));

  // The script tag and the demo site that uses it (not part of the JSON API).
  app.get("/p.js", clientScriptHandler);
  for (const [path, file] of DEMO_ROUTES) app.get(path, demoFile(file));
  app.post("/demo/contact", demoContactHandler);
  app.get("/demo/img/:file", demoImageHandler);
  // The console (static assets; it talks to /v1/admin/* like any client).
  app.get("/admin", consoleHandler);
  app.get("/admin/*", consoleHandler);
  return app;
}
