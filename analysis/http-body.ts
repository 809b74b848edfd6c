import type { HttpResponseRecord } from "../model/measurement.js";

// Reading what a recorded HTTP response says: its body as text (OONI stores non-UTF-8 bodies as
// `{format: "base64", data}`), its length, a header by any capitalisation, and its <title>.

function base64Bytes(data: string): Uint8Array | null {
  try {
    return new Uint8Array(Buffer.from(data, "base64"));
  } catch {
    return null;
  }
}

/** UTF-8 when the bytes are UTF-8; otherwise Latin-1, which never fails and keeps ASCII patterns. */
function decodeBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("latin1").decode(bytes);
  }
}

/** Decodes a value OONI may have stored as `{format: "base64", data}` instead of a string. */
export function textOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && (value as { format?: unknown }).format === "base64") {
    const data = (value as { data?: unknown }).data;
    const bytes = typeof data === "string" ? base64Bytes(data) : null;
    return bytes ? decodeBytes(bytes) : null;
  }
  return null;
}

export function responseBodyText(response: HttpResponseRecord): string | null {
  return textOf(response.body);
}

/** Bytes received: the recorded length when there is one, else the length of the recorded body. */
export function responseBodyLength(response: HttpResponseRecord): number | null {
  if (typeof response.body_length === "number" && response.body_length >= 0) return response.body_length;
  const body = response.body;
  if (typeof body === "string") return Buffer.byteLength(body, "utf8");
  if (body && typeof body === "object" && typeof body.data === "string") {
    return Buffer.from(body.data, "base64").length;
  }
  return null;
}

/** A header's value by case-insensitive name; undefined when absent. */
export function responseHeader(response: HttpResponseRecord, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(response.headers ?? {})) {
    if (key.toLowerCase() === wanted) return textOf(value) ?? undefined;
  }
  return undefined;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** The page's <title>, entity-decoded and trimmed; the recorded `title` when the measurer kept one. */
export function responseTitle(response: HttpResponseRecord): string | null {
  if (typeof response.title === "string") return response.title.trim();
  const body = responseBodyText(response);
  const match = body ? /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body) : null;
  if (!match) return null;
  return (match[1] ?? "")
    .replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith("#")) {
        const code =
          name[1]?.toLowerCase() === "x" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, " ")
    .trim();
}
