import { type Context, Hono } from "hono";
import type { Target } from "../../model/status.js";
import { type FeedEntry, renderAtomFeed } from "../../present/atom.js";
import { named, pageLang, respond, type WebDeps, type WebEnv } from "../http.js";
import { errorPage } from "./not-found.js";

// GET /feed/<CC>.atom and /feed/<CC>/<service>.atom: the confirmed changes of a country's services, or
// of one service there, as Atom (present/atom.ts), newest first. Linked from the board and the service
// pages; `?lang=` as on the pages.

/** Enough for a feed reader that polls daily; older changes are on the service pages. */
const ENTRIES = 50;

const ATOM = "application/atom+xml; charset=utf-8";

export function feedRoutes({ store, kb, now, defaultCountry }: WebDeps): Hono<WebEnv> {
  async function serve(c: Context<WebEnv>, country: string, service?: string) {
    const path = new URL(c.req.url).pathname;
    const code = country.toUpperCase();
    if (!kb.country(code) || (service !== undefined && !kb.service(service))) {
      return errorPage(c, "notFound", path, defaultCountry);
    }
    const targets: Target[] = service
      ? [{ service, country: code }]
      : kb.services.map((s) => ({ service: s.id, country: code }));
    const timelines = await Promise.all(targets.map((target) => store.getTimeline(target)));
    const entries: FeedEntry[] = targets
      .flatMap((target, i) => (timelines[i] ?? []).map((entry) => ({ target, entry })))
      .sort((a, b) => Date.parse(b.entry.at) - Date.parse(a.entry.at))
      .slice(0, ENTRIES);
    const xml = renderAtomFeed(kb, {
      origin: new URL(c.req.url).origin,
      path,
      page: service ? `/s/${encodeURIComponent(service)}/${code}` : `/?country=${code}`,
      country: code,
      ...(service ? { service } : {}),
      entries,
      lang: pageLang(c),
      now: now(),
    });
    return respond(200, { "content-type": ATOM, "cache-control": "no-cache" }, xml);
  }

  return new Hono<WebEnv>()
    .get("/feed/:file{[A-Za-z]{2}\\.atom}", named("feed", "page"), (c) =>
      serve(c, c.req.param("file").slice(0, 2)),
    )
    .get("/feed/:country{[A-Za-z]{2}}/:file{[a-z0-9-]+\\.atom}", named("feed", "page"), (c) =>
      serve(c, c.req.param("country"), c.req.param("file").replace(/\.atom$/, "")),
    );
}
