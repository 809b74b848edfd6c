import type { IncomingMessage, ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { Hono } from "hono";
import type { WebEnv } from "./http.js";

// A handler written for node's own request and response, in the Express/Connect shape, as a Hono route:
// telegraf's webhookCallback is one. It reads the request body and writes the response itself, through
// @hono/node-server's bindings (c.env.incoming, c.env.outgoing); Hono is then told the response is sent.
// Its `next()` falls through to the web server's not-found answer.

/** A handler in the Express/Connect shape telegraf's `webhookCallback` returns. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => unknown;

/** A Hono app serving `handler` at the path it is mounted at, for every method. */
export function nodeHandlerRoutes(handler: NodeHandler): Hono<WebEnv> {
  return new Hono<WebEnv>().all("/", async (c, next) => {
    const { incoming, outgoing } = c.env;
    let sent = () => {};
    const how = await new Promise<"sent" | "next">((resolve, reject) => {
      sent = () => resolve("sent");
      outgoing.once("finish", sent).once("close", sent);
      Promise.resolve()
        .then(() => handler(incoming, outgoing, () => resolve("next")))
        .then(() => {
          if (outgoing.writableEnded) resolve("sent");
        }, reject);
    }).finally(() => outgoing.off("finish", sent).off("close", sent));
    if (how === "next") return next();
    return RESPONSE_ALREADY_SENT;
  });
}
