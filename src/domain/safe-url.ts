/**
 * The one rule for the URLs content carries (a CTA's `url`, an image's `src`), used where
 * a configuration is validated, where email links are minted and followed, and in the
 * browser script: an absolute URL must be http(s); a relative one must stay on `base`'s
 * origin once resolved. Parsing is WHATWG `URL`'s, the browser's own, so what passes here
 * is what a browser would open: `/\evil.example` and `//evil.example` leave the site,
 * `java\tscript:` is `javascript:`. No dependencies: the browser script bundles this file.
 */
export function isSafeContentUrl(url: string, base: string): boolean {
  const absolute = parse(url);
  if (absolute) return absolute.protocol == "https:" || absolute.protocol == "http:";
  const resolved = parse(url, base);
  return !!resolved && resolved.origin == parse(base)?.origin;
}

/** `new URL`, null where it throws (URL.parse is missing from browsers before 2024). */
function parse(url: string, base?: string): URL | null {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
}
