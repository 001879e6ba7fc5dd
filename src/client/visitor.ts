/**
 * The visitor id: a UUID v4 kept first-party, in localStorage and in a cookie (which the
 * site's own server reads to call Leadflare itself, and which stands in for localStorage
 * where that throws). Both can throw (a sandboxed iframe, blocked storage): then the id
 * lives for this page only.
 */

const KEY = "lf_vid";
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A UUID v4 from getRandomValues: crypto.randomUUID exists only in secure contexts, and
 * customers' pages are not all served over https. The template's 4 stays (version); each 8
 * becomes 8–b (variant); each 0 and 1 a random hex digit.
 */
export const uuid = (): string =>
  "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
    (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16),
  );

/** The stored id, or a new one stored now. */
export function visitorId(): string {
  let id = storedVisitorId();
  if (!id) write((id = uuid()));
  return id;
}

/** The stored id, if there is a valid one; stores nothing. */
export function storedVisitorId(): string | undefined {
  const id = read();
  return id && V4.test(id) ? id : undefined;
}

/** Stores this id (a page that turned out not to be a preview keeps the id it used). */
export const keepVisitorId = (id: string): void => write(id);

export function forgetVisitorId(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {}
  try {
    document.cookie = KEY + "=; max-age=0; path=/";
  } catch {}
}

function read(): string | undefined {
  try {
    const stored = localStorage.getItem(KEY);
    if (stored) return stored;
  } catch {}
  try {
    return new RegExp("(?:^|; )" + KEY + "=([^;]+)").exec(document.cookie)?.[1];
  } catch {}
}

function write(id: string): void {
  try {
    localStorage.setItem(KEY, id);
  } catch {}
  try {
    document.cookie = `${KEY}=${id}; max-age=31536000; path=/; SameSite=Lax${location.protocol == "https:" ? "; Secure" : ""}`;
  } catch {}
}
