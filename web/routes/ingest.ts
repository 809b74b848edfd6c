import type { IncomingMessage, ServerResponse } from "node:http";
import { handleIngest, type IngestDeps, type IngestResponse, MAX_BODY_BYTES } from "../../ingest/handler.js";
import type { WebMount } from "../server.js";

// POST /api/v1/ingest on the web server: a mount rather than a route, since routes serve GET and HEAD
// only. This file reads the body, bounded, and writes what ingest/handler.ts answers.

export const INGEST_PATH = "/api/v1/ingest";

export function ingestMount(deps: IngestDeps): WebMount {
  return {
    path: INGEST_PATH,
    handler: async (req, res) => {
      const declared = Number(req.headers["content-length"] ?? 0);
      if (declared > MAX_BODY_BYTES) return send(res, await handleIngest(tooLarge(req), deps), true);
      const body = await readBody(req);
      if (body === "too large") return send(res, await handleIngest(tooLarge(req), deps), true);
      if (body === "aborted") return;
      send(res, await handleIngest({ method: req.method ?? "", headers: req.headers, body }, deps));
    },
  };
}

/** A request the handler refuses for its size, without the bytes: they were never read. */
function tooLarge(req: IncomingMessage) {
  return { method: req.method ?? "", headers: req.headers, body: Buffer.alloc(0), tooLarge: true };
}

function readBody(req: IncomingMessage): Promise<Buffer | "too large" | "aborted"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        resolve("too large");
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", () => resolve("aborted"));
    req.on("aborted", () => resolve("aborted"));
  });
}

function send(res: ServerResponse, response: IngestResponse, close = false): void {
  const body = `${JSON.stringify(response.body)}\n`;
  res.writeHead(response.status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "content-length": String(Buffer.byteLength(body)),
    // The rest of an oversized body is not read: the connection cannot carry another request.
    ...(close ? { connection: "close" } : {}),
  });
  res.end(body);
}
