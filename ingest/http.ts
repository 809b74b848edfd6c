import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import {
  handleIngest,
  type IngestDeps,
  type IngestRequest,
  type IngestResponse,
  MAX_BODY_BYTES,
} from "./handler.js";

// POST /api/v1/ingest over HTTP: a Hono app the composition root mounts on the web server (cli/start.ts),
// so the request runs inside the web server's error boundary and request metrics like any other. This
// file reads the body, bounded, and answers what ingest/handler.ts decides; the checks and their order
// are the handler's (ingest/README.md). Every method is routed here: the handler's 405 comes first.

export const INGEST_PATH = "/api/v1/ingest";

/** The ingest endpoint as a Hono app serving `/`: mount it at INGEST_PATH. */
export function ingestRoutes(deps: IngestDeps): Hono {
  const app = new Hono();
  app.all(
    "/",
    // Refuses a declared length over the limit before reading a byte; a body sent without a length is read
    // up to the limit and refused there, the rest never read.
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: async (c) =>
        send(
          await handleIngest(
            { method: c.req.method, headers: c.req.header(), body: Buffer.alloc(0), tooLarge: true },
            deps,
          ),
          // The rest of the body is not read: the connection cannot carry another request.
          { connection: "close" },
        ),
    }),
    async (c) => {
      let body: Buffer;
      try {
        body = Buffer.from(await c.req.arrayBuffer());
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
