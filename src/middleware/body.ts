import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

const KiB = 1024;
const MiB = 1024 * KiB;
/** Bodies browsers send (personalize, events, identify): anyone can send them, and they are small. */
export const PUBLIC_BODY_BYTES = 64 * KiB;
/** Bodies key holders send: 500 imported events with long URLs, whole configuration documents. */
export const SERVER_BODY_BYTES = MiB;
/**
 * POST /v1/leads:batch: 1,000 leads with every built-in trait at its longest (a 254-character
 * email, 120-character labels, a 253-character domain) are about 1.3 MB. Its rows reach D1 as
 * one JSON parameter, and D1 takes strings of at most 2,000,000 bytes.
 */
export const BATCH_BODY_BYTES = 1.5 * MiB;

/** `65536` → `64 KiB`, `1048576` → `1 MiB`, `1572864` → `1.5 MiB`: the limit as the 413 and the OpenAPI document state it. */
export function sizeLabel(bytes: number): string {
  return bytes % (MiB / 2) === 0 ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`;
}

/**
 * Reads a JSON body once, before the route's zod validation: 413 past the limit, 415 for
 * other media types, 400 for malformed JSON. With `textPlain`, a `text/plain` body (what
 * `navigator.sendBeacon` sends, to avoid a CORS preflight) is accepted as JSON.
 */
export function jsonBody(options: { textPlain?: boolean; maxBytes?: number; csv?: boolean } = {}) {
  const maxBytes = options.maxBytes ?? PUBLIC_BODY_BYTES;
  return createMiddleware<AppEnv>(async (c, next) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    const isJson = type === "application/json";
    const isCsv = options.csv === true && type === "text/csv";
    if (!isJson && !isCsv && !(options.textPlain && type === "text/plain")) {
      const accepted = options.textPlain ? "application/json or text/plain" : options.csv ? "application/json or text/csv" : "application/json";
      throw new ApiError(415, "unsupported_media_type", `Send the body as ${accepted}.`);
    }
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > maxBytes) throw tooLarge(maxBytes);
    const text = await readBody(c.req.raw, declared, maxBytes);
    if (isCsv) {
      // The route parses it (c.var.csvBody); the JSON validator does not run for text/csv.
      c.set("csvBody", text);
      return next();
    }
    try {
      JSON.parse(text);
    } catch {
      throw new ApiError(400, "malformed_json", "The body is not valid JSON.");
    }
    if (isJson) {
      // Hono's body cache: the validator's c.req.json() parses this text, the body is not read again.
      // (Hono stores the promise its read answered; its type names the value.)
      (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(text);
    } else {
      // A text/plain beacon: the validator only reads JSON requests, so it gets one.
      const headers = new Headers(c.req.raw.headers);
      headers.set("content-type", "application/json");
      // Keeping `cf` (Cloudflare's country, network...), which a new Request would otherwise drop.
      c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body: text, cf: c.req.raw.cf } as RequestInit);
    }
    await next();
  });
}

/**
 * The body as text. With a Content-Length (already checked against the limit, and the runtime
 * holds the body to it) in one native read: streaming it chunk by chunk, then reading it again
 * from a rebuilt Request, was the largest piece of personalize's own JavaScript in a workerd CPU
 * profile. A chunked body has no length: it is streamed, and given up as soon as it passes the limit.
 */
async function readBody(request: Request, declared: number, maxBytes: number): Promise<string> {
  return declared > 0 ? request.text() : readLimited(request, maxBytes);
}

/** Reads a body of unknown length, giving up as soon as it passes the limit. */
async function readLimited(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "payload_too_large", `The body is larger than ${sizeLabel(maxBytes)}.`);
}

/** A server route's JSON or CSV (`text/csv`) body: up to SERVER_BODY_BYTES. */
export const serverJsonOrCsvBody = jsonBody({ maxBytes: SERVER_BODY_BYTES, csv: true });

/** The JSON body of a server or admin route (a key holder's): up to SERVER_BODY_BYTES. */
export const serverJsonBody = jsonBody({ maxBytes: SERVER_BODY_BYTES });
/** The JSON body of POST /v1/leads:batch: up to BATCH_BODY_BYTES. */
export const batchJsonBody = jsonBody({ maxBytes: BATCH_BODY_BYTES });
