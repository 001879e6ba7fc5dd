import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerUrl } from "./support/browser";
import { serverApi } from "./support/server";
import { SERVER_KEY } from "./support/worker";

/**
 * The server-side enrichment hook (README "Server-side enrichment"): the site's server asks a
 * reverse-IP provider which company a visitor's IP belongs to (Leadflare never sees or stores
 * the IP's company lookup) and forwards the answer as `context.asOrganization`. The provider
 * here is a real HTTP listener on 127.0.0.1 that checks the request shape a provider documents
 * (GET with the IP and an API key), as the site's server would call it.
 */
const PROVIDER_KEY = "provider-test-key";
const NETWORKS: Record<string, string> = { "203.0.113.7": "Acme Health Systems" };
let provider: Server;
let providerUrl = "";
const asked: { path: string; key: string | undefined }[] = [];

beforeAll(async () => {
  provider = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    asked.push({ path: url.pathname, key: req.headers["x-api-key"] as string | undefined });
    const ip = url.searchParams.get("ip") ?? "";
    if (req.method !== "GET" || url.pathname !== "/v1/lookup" || req.headers["x-api-key"] !== PROVIDER_KEY) {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "bad request" }));
      return;
    }
    const organization = NETWORKS[ip];
    res.writeHead(organization ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(organization ? { ip, organization } : { ip }));
  });
  await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
  providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => provider.close(() => resolve())));

/** The site's server: look the visitor's IP up, then personalize with what the provider said. */
async function siteServerPersonalize(visitorId: string, ip: string) {
  const lookup = await fetch(`${providerUrl}/v1/lookup?ip=${encodeURIComponent(ip)}`, { headers: { "x-api-key": PROVIDER_KEY } });
  const organization = lookup.ok ? ((await lookup.json()) as { organization: string }).organization : undefined;
  const res = await fetch(`${workerUrl()}/v1/personalize`, {
    method: "POST",
    headers: { authorization: `Bearer ${SERVER_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({
      visitorId,
      page: { url: "https://site.example/blog" },
      context: { userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36", ip, asOrganization: organization },
    }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { segment: { path: string[] }; slots: Record<string, { layer?: string }> };
}

describe("server-side enrichment through a reverse-IP provider", () => {
  it("an anonymous visitor whose IP the provider places at an account's network gets the account's tier and vertical", async () => {
    const domain = `acct-${crypto.randomUUID().slice(0, 8)}.example`;
    NETWORKS["203.0.113.7"] = `Acme Health Systems ${domain}`;
    const put = await serverApi("PUT", `/v1/accounts/${domain}`, { employees: 5000, industry: "healthcare", asOrganizations: [NETWORKS["203.0.113.7"]] });
    expect(put.status).toBe(200);
    const known = await siteServerPersonalize(crypto.randomUUID(), "203.0.113.7");
    expect(known.segment.path).toContain("enterprise");
    expect(known.slots.hero!.layer).toBe("vertical-healthcare");
    const unknown = await siteServerPersonalize(crypto.randomUUID(), "198.51.100.1");
    expect(unknown.segment.path).not.toContain("enterprise");
    expect(asked.every((a) => a.path === "/v1/lookup" && a.key === PROVIDER_KEY)).toBe(true);
  });
});
