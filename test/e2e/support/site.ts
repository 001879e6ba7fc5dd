import { createServer, type Server } from "node:http";

/**
 * A customer's own site on another origin (127.0.0.1:<port>; 0 for any free port), serving
 * the given pages, so the script tag is tested the way customers embed it: cross-origin,
 * from the worker's URL.
 */
export async function customerSite(port: number, pages: Record<string, string>): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const page = pages[new URL(req.url ?? "/", "http://site").pathname];
    res.writeHead(page === undefined ? 404 : 200, { "content-type": "text/html; charset=utf-8" });
    res.end(page ?? "not found");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A page with one hero slot and the script tag with the given attributes. */
export function slotPage(scriptAttributes: string, head = ""): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Customer</title>${head}
<script async ${scriptAttributes}></script></head>
<body><h1 data-lf-slot="hero">Customer's own headline</h1><a data-lf-slot="primary-cta" href="/signup">Start free</a></body></html>`;
}
