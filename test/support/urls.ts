/** Content URLs for the safe-URL rule (src/domain/safe-url.ts), shared by its tests and the validator's. */

/** Off-site, whatever the string looks like: each is what a browser would open on another host or run. */
export const UNSAFE_CONTENT_URLS = [
  "/\\evil.example/x",
  "\\\\evil.example",
  "\\/evil.example",
  "//evil.example",
  "/\t/evil.example",
  "\t//evil.example",
  "java\tscript:alert(1)",
  "jav\nascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  " javascript:alert(1)",
  "\u0001javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "ftp://files.example/x",
  "mailto:ada@example.com",
];

/** On the site or absolute http(s). `/%5C` is a percent-encoded backslash: a path segment, not a host. */
export const SAFE_CONTENT_URLS = [
  "/pricing",
  "/%5Cevil.example",
  "/pricing?next=//evil.example",
  "/a/..//evil.example",
  "https://partner.example/x",
  "HTTPS://partner.example/x",
];
