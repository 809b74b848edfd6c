import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import {
  counted,
  handleIngest,
  type IngestDeps,
  type IngestRequest,
  type IngestResponse,
  MAX_BODY_BYTES,
  refuseUnread,
} from "./handler.js";

// POST /api/v1/ingest over HTTP: a Hono app the composition root mounts on the web server (cli/start.ts),
// so the request runs inside the web server's error boundary and request metrics like any other. This
// file decides what it can from the request line and headers, reads the body, bounded, and answers what
// ingest/handler.ts decides; the checks and their order are the handler's (ingest/README.md). Every
// method is routed here: the handler's 405 comes first.

export const INGEST_PATH = "/api/v1/ingest";

/**
 * Bodies read at once before their signature is checked. Anyone can open a connection that passes the
 * header checks and then sends its body slowly; each such body holds up to MAX_BODY_BYTES, so this bounds
 * what strangers can make the process hold (test/faults/slow-ingest.test.ts: 400 such connections stay
 * under 50 MB). Agents push once a probe cycle and retry a 503 with back-off: a few at once is plenty.
 */
export const MAX_UNREAD_BODIES = 4;

export interface IngestHttpOptions {
  /** MAX_UNREAD_BODIES unless given. */
  maxUnreadBodies?: number;
}

/** The ingest endpoint as a Hono app serving `/`: mount it at INGEST_PATH. */
export function ingestRoutes(deps: IngestDeps, options: IngestHttpOptions = {}): Hono {
  const maxReading = options.maxUnreadBodies ?? MAX_UNREAD_BODIES;
  let reading = 0;
  const app = new Hono();
  app.all(
    "/",
    async (c, next) => {
      // The rest of a body left unread: the connection cannot carry another request.
      const early = refuseUnread({ method: c.req.method, headers: c.req.header() }, deps);
      if (early) return send(counted(early, deps), { connection: "close" });
      if (reading >= maxReading)
        return send(counted(BUSY, deps), { connection: "close", "retry-after": "5" });
      reading++;
      try {
        await next();
      } finally {
        reading--;
      }
    },
    // A body sent without a length is read up to the limit and refused there, the rest never read.
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: async (c) =>
        send(
          await handleIngest(
            { method: c.req.method, headers: c.req.header(), body: Buffer.alloc(0), tooLarge: true },
            deps,
          ),
          { connection: "close" },
        ),
    }),
    async (c) => {
      let body: Buffer;
      try {
        body = await readBody(c.req.raw);
      } catch {
        // The agent went away mid-body: nobody reads this answer, and there is no report to count.
        return send({
          status: 400,
          outcome: "bad_request",
          body: { error: "aborted", message: "the body could not be read to its end" },
        });
      }
      const request: IngestRequest = { method: c.req.method, headers: c.req.header(), body };
      return send(await handleIngest(request, deps));
    },
  );
  return app;
}

/**
 * A body of a declared length is read straight into one buffer of that length (node's parser delivers
 * no more than declared): half of what a list of chunks joined at its end would hold at the peak.
 */
async function readBody(request: Request): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (request.body === null || !Number.isSafeInteger(declared))
    return Buffer.from(await request.arrayBuffer());
  const body = Buffer.allocUnsafe(declared);
  let at = 0;
  const reader = request.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    if (at + read.value.length > declared) throw new Error("the body is longer than declared");
    body.set(read.value, at);
    at += read.value.length;
  }
  if (at !== declared) throw new Error("the body ended early");
  return body;
}

const BUSY: IngestResponse = {
  status: 503,
  outcome: "busy",
  body: { error: "busy", message: "too many reports are being received; try again shortly" },
};

function send(response: IngestResponse, headers: Record<string, string> = {}): Response {
  const body = `${JSON.stringify(response.body)}\n`;
  return new Response(body, {
    status: response.status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "content-length": String(Buffer.byteLength(body)),
      ...headers,
    },
  });
}
