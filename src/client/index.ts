/**
 * Leadflare's script tag (served as /p.js). One personalize request per page load records
 * the page view and returns the slot content; clicks on slots and form submits go out as
 * beacons. It must never break the page: every entry point swallows its own errors, and
 * when anything fails the page's own markup simply stays.
 */
import { applySlots, type SlotContent } from "./apply";
import { forgetVisitorId, keepVisitorId, storedVisitorId, uuid, visitorId } from "./visitor";

interface Segment {
  id: string;
  name: string;
  path: string[];
}
interface Personalization {
  segment: Segment;
  slots: Record<string, SlotContent>;
  preview?: boolean;
  /** The form fields whose values a submit sends (the configuration's `forms.fields`). */
  fields?: string[];
}
type SegmentListener = (segment: Segment, slots: Record<string, SlotContent>) => void;
type Fn = (...args: any[]) => unknown;

const w = window as any;
const d = document;

/** Wraps an entry point so that nothing it does can throw into the page. */
const safe =
  <F extends Fn>(fn: F) =>
  (...args: Parameters<F>): void => {
    try {
      fn(...args);
    } catch {}
  };

const pageUrl = () => location.href.split("#")[0]!;

try {
  // A second copy of the script on the same page leaves the first in charge.
  if (!w.leadflare || Array.isArray(w.leadflare)) start();
} catch {}

function start(): void {
  const queued: unknown[][] = w.leadflare || [];
  const script = (d.currentScript || d.querySelector('script[src*="/p.js"]')) as HTMLScriptElement | null;
  const options = script?.dataset || {};
  // Where the API lives: data-endpoint, else wherever this script was loaded from.
  const base = (options.endpoint || new URL(".", script?.src || location.href).href).replace(/\/?$/, "/");
  // The anti-flicker snippet sets lfHide = {t: timeout ms, s: start}; content arriving after
  // that deadline is not applied, so the default markup never swaps under the reader's eyes.
  const hide = w.lfHide || { t: +options.timeout! || 1000, s: Date.now() };
  const deadline = hide.s + hide.t;
  const gpc = (navigator as any).globalPrivacyControl === true;
  // A preview link (lf_preview) shows an admin a segment's content: until the server says
  // the token is genuine nothing is kept or sent; an invalid or expired one is a normal visit.
  const preview = () => new URLSearchParams(location.search).get("lf_preview") || undefined;
  // An email link's lf_verify (single use): taken out of the address bar at once, so it is
  // neither bookmarked nor shared, and sent with the first page view only.
  const params = new URLSearchParams(location.search);
  let verify = params.get("lf_verify") || undefined;
  if (verify) {
    params.delete("lf_verify");
    const rest = params.toString();
    history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }
  let previewToken = preview();
  let previewing = !!previewToken;
  // A genuine preview was shown: the rest of this page's life (single-page navigation
  // included) previews the same segment, keeps nothing and sends nothing.
  let confirmed = false;
  let started = false;
  let consented = options.consent != "required";
  let visitor: string | undefined;
  let url = "";
  let viewId = "";
  let calls = 0;
  let last: Personalization | undefined;
  const listeners: SegmentListener[] = [];

  // With GPC the id lives for this page only; on a preview nothing new is stored.
  const vid = () => (visitor ||= gpc ? uuid() : previewing ? storedVisitorId() || uuid() : visitorId());
  const reveal = () => d.getElementById("lf-hide")?.remove();
  const notify = (fn: SegmentListener) => last && safe(fn)(last.segment, last.slots);

  function personalize(): void {
    if (!consented) return;
    const referrer = url || d.referrer;
    // Same URL (refresh, replaceState) → same page view id: the server counts it once.
    if (pageUrl() != url) (url = pageUrl()), (viewId = uuid());
    const call = ++calls;
    // The page load's own request obeys the anti-flicker deadline; one made after the
    // script started (consent given later, refresh()) is the reader's doing: always applied.
    const late = started && Date.now() >= deadline;
    previewToken = preview() || (confirmed ? previewToken : undefined);
    previewing = !!previewToken;
    const slots = [...new Set(Array.from(d.querySelectorAll("[data-lf-slot]"), (el) => el.getAttribute("data-lf-slot")!))];
    const body = {
      visitorId: vid(),
      page: { url: url.slice(0, 2048), referrer: referrer.slice(0, 2048) || undefined, title: d.title.slice(0, 500) || undefined },
      eventId: viewId,
      slots: slots.length ? slots.slice(0, 50) : undefined,
      preview: previewToken,
      verify,
      gpc: gpc || undefined,
    };
    verify = undefined;
    // A text/plain body keeps this a "simple" CORS request: no preflight round trip.
    fetch(base + "v1/personalize", { method: "POST", body: JSON.stringify(body), credentials: "omit" })
      .then((res) => (res.ok ? res.json() : Promise.reject()))
      .then((res: Personalization) => {
        if (call != calls) return; // a newer navigation's answer wins
        last = res;
        if (res.preview) confirmed = true;
        else if (!confirmed) {
          // Not a preview (none asked, or the token was not genuine): an ordinary visit,
          // whose id is kept, also one made while the answer was pending.
          previewing = false;
          if (consented && !gpc) keepVisitorId(vid());
        }
        if (call > 1 || late || Date.now() < deadline) applySlots(res.slots);
        listeners.forEach(notify);
      })
      .catch(() => {})
      .finally(() => call == 1 && reveal());
  }

  function send(path: string, data: object): void {
    if (!consented || gpc || previewing) return;
    const body = JSON.stringify({ visitorId: vid(), ...data });
    // sendBeacon survives the page unloading; a string body is sent as text/plain.
    try {
      if (navigator.sendBeacon(base + path, body)) return;
    } catch {}
    fetch(base + path, { method: "POST", body, keepalive: true, credentials: "omit" }).catch(() => {});
  }

  // Every event has its own id, so a retried beacon counts once.
  const track = (type: string, props?: object, fields?: object) =>
    send("v1/events", { events: [{ id: uuid(), type: String(type), url: location.href.slice(0, 2048), ts: Date.now(), props, fields }] });
  const identify = (email: string) => send("v1/identify", { email: String(email).trim() });

  d.addEventListener(
    "click",
    safe((e: Event) => {
      const target = e.target as Element;
      const slot = target.closest("[data-lf-slot]");
      const control = target.closest("a,button");
      if (slot && control && (slot.contains(control) || control.contains(slot))) {
        track("cta_click", { slot: slot.getAttribute("data-lf-slot"), variant: slot.getAttribute("data-lf-variant") || "markup" });
      }
    }),
    true,
  );

  d.addEventListener(
    "submit",
    safe((e: Event) => {
      const form = e.target as HTMLFormElement;
      if (form.hasAttribute("data-lf-identify")) {
        const email = form.querySelector<HTMLInputElement>("input[type=email],input[name=email]")?.value.trim();
        if (email) identify(email);
      }
      // Only the fields the configuration claims traits from, never the rest of the form.
      const fields: Record<string, string> = {};
      for (const name of last?.fields || []) {
        const value = (form.elements.namedItem(name) as HTMLInputElement | null)?.value?.trim();
        if (value) fields[name] = value.slice(0, 256);
      }
      track("form_submit", { form: (form.id || form.getAttribute("name") || form.getAttribute("action") || "form").slice(0, 256) }, fields);
    }),
    true,
  );

  // Single-page sites: a new URL (not just a new #fragment) is a new page view.
  const navigated = safe(() => setTimeout(safe(() => pageUrl() != url && personalize())));
  for (const method of ["pushState", "replaceState"] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History["pushState"]>) {
      original.apply(this, args);
      navigated();
    };
  }
  addEventListener("popstate", navigated);

  const api: Record<string, Fn> = {
    track: safe(track),
    identify: safe(identify),
    consent: safe((yes: unknown) => {
      consented = !!yes;
      if (!yes) (visitor = undefined), forgetVisitorId();
      else if (!calls) personalize();
    }),
    refresh: safe(personalize),
    on: safe((name: string, fn: SegmentListener) => {
      if (name == "segment" && typeof fn == "function") listeners.push(fn), notify(fn);
    }),
    // `leadflare.push([method, ...args])` works before the script loads (as an array) and after.
    push: safe((args: unknown[]) => api[args[0] as string]!(...args.slice(1))),
  };
  w.leadflare = api;
  queued.forEach(api.push!);
  // Before consent nothing is sent; the anti-flicker timeout shows the default markup.
  if (!calls) personalize();
  started = true;
}
