declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}

/** Vite's `?raw` imports (README and example checks): the file's text. */
declare module "*?raw" {
  const text: string;
  export default text;
}
