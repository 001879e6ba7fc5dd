/**
 * Where a delivery may go (SSRF): https only, and never an IP literal in a private, loopback,
 * link-local, shared or unspecified range, nor `localhost`. `allowLoopback`
 * (LF_DEV_ALLOW_LOOPBACK=true: `npm start` and the tests, never production) lets a local
 * receiver on 127.0.0.1 / localhost in, over http too. The WHATWG URL parser has already
 * turned `http://2130706433/` and `0x7f.1` into dotted quads, so those are caught as well.
 */
export function destinationUrlProblem(raw: string, allowLoopback: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const loopback = host === "localhost" || host.endsWith(".localhost") || isLoopbackIp(host);
  if (loopback && allowLoopback) return url.protocol === "https:" || url.protocol === "http:" ? null : "must be http(s)";
  if (url.protocol !== "https:") return "must be https";
  if (url.username || url.password) return "must not carry credentials in the URL";
  if (loopback) return "must not be localhost or a loopback address";
  if (isPrivateIp(host)) return "must not be a private, link-local or reserved address";
  return null;
}

function ipv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

/** An IPv4 address an IPv6 literal maps or embeds (::ffff:a.b.c.d, or its hex form), else null. */
function embeddedIpv4(host: string): number[] | null {
  const dotted = /^(?:0*:)*:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (dotted) return ipv4(dotted[1]!);
  const hex = /^(?:0*:)*:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
  if (!hex) return null;
  const [a, b] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [a >> 8, a & 255, b >> 8, b & 255];
}

function isLoopbackIp(host: string): boolean {
  const v4 = ipv4(host) ?? embeddedIpv4(host);
  if (v4) return v4[0] === 127;
  return /^(0*:)*:?0*1$/.test(host) && host.includes(":");
}

function isPrivateIp(host: string): boolean {
  const v4 = ipv4(host) ?? embeddedIpv4(host);
  if (v4) {
    const [a, b] = v4 as [number, number];
    return (
      a === 0 || a === 10 || a === 127 || a >= 224 ||
      (a === 100 && b >= 64 && b < 128) || // shared address space (CGNAT)
      (a === 169 && b === 254) || // link-local, cloud metadata
      (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) // benchmarking
    );
  }
  if (!host.includes(":")) return false;
  // IPv6: unspecified, unique local fc00::/7, link-local fe80::/10, multicast ff00::/8.
  return /^(0*:)*:?0*$/.test(host) || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || /^ff/.test(host);
}
