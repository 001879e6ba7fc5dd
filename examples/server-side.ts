// Leadflare from your site's server: a `(request) => Response` handler that renders a page
// with the visitor's content and links the visitor to the email your own form receives.
// It runs wherever fetch's Request and Response do, e.g. as a Next.js route handler:
//   const page = leadflarePage({ endpoint: process.env.LEADFLARE_URL!, apiKey: process.env.LF_API_KEY! });
//   export { page as GET, page as POST }; // app/pricing/route.ts
const VISITOR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

interface Options {
  endpoint: string; // where Leadflare runs, e.g. "https://leadflare.example.com"
  apiKey: string; // LF_API_KEY: a server call, which may forward the visitor's context
  fetch?: typeof fetch;
}
type Slots = Record<string, { kind: string; text?: string; label?: string; url?: string }>;

export function leadflarePage({ endpoint, apiKey, fetch = globalThis.fetch }: Options) {
  const leadflare = (path: string, body: object) =>
    fetch(`${endpoint}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(1000), // past this, the page shows its own markup
    });

  return async (request: Request): Promise<Response> => {
    // The id the script keeps in the lf_vid cookie; a first visit gets a new one.
    const cookie = /(?:^|;\s*)lf_vid=([^;]+)/.exec(request.headers.get("cookie") ?? "")?.[1];
    const known = cookie && VISITOR_ID.test(cookie) ? cookie : undefined;
    const visitorId = known ?? crypto.randomUUID();
    // What Leadflare knows of the visitor is what you forward: your server's own
    // User-Agent, location and language are not the visitor's.
    const header = (name: string) => request.headers.get(name) ?? undefined;
    const country = header("cf-ipcountry") ?? header("x-vercel-ip-country") ?? "";
    const privacy = {
      gpc: header("sec-gpc") === "1" || undefined,
      context: {
        userAgent: header("user-agent")?.slice(0, 1024),
        country: /^[A-Za-z][A-Za-z0-9]$/.test(country) ? country : undefined,
        language: header("accept-language")?.slice(0, 256),
      },
    };
    const out = new Headers({ "cache-control": "private, no-store" });
    if (!known && !privacy.gpc) {
      const secure = new URL(request.url).protocol === "https:" ? "; Secure" : "";
      out.append("set-cookie", `lf_vid=${visitorId}; Max-Age=31536000; Path=/; SameSite=Lax${secure}`);
    }

    if (request.method === "POST") {
      const form = await request.formData().catch(() => undefined);
      const email = String(form?.get("email") ?? "").trim();
      if (email) await leadflare("/v1/identify", { visitorId, email, ...privacy }).catch(() => {});
      out.set("location", `${new URL(request.url).pathname}?sent=1`);
      return new Response(null, { status: 303, headers: out });
    }

    let slots: Slots = {};
    try {
      const page = { url: request.url, referrer: header("referer") };
      const res = await leadflare("/v1/personalize", { visitorId, page, slots: ["hero", "primary-cta"], ...privacy });
      if (res.ok) slots = ((await res.json()) as { slots: Slots }).slots;
    } catch {} // Leadflare unreachable or slow: the page's own markup
    out.set("content-type", "text/html; charset=utf-8");
    return new Response(render(slots), { headers: out });
  };
}

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Your page; every slot has your own markup as the fallback. */
function render(slots: Slots): string {
  const hero = slots.hero?.text ?? "Turn every visit into the right next step";
  const cta = slots["primary-cta"];
  const [label, href] = cta?.label && cta.url ? [cta.label, cta.url] : ["Get started", "/contact"];
  return `<!doctype html>
<h1>${escape(hero)}</h1>
<a class="button" href="${escape(href)}">${escape(label)}</a>
<form method="post"><input type="email" name="email" required><button>Talk to us</button></form>`;
}
