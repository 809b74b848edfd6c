import { Hono } from "hono";
import { loadCountry, type TargetSnapshot } from "../../pipeline/read-model.js";
import { wt } from "../../present/page-i18n/index.js";
import { htmlResponse, named, pageLang, type WebDeps, type WebEnv } from "../http.js";
import type { BoardCountry, BoardModel } from "../views/board.js";
import { countryFeed, renderBoard } from "../views/board.js";
import { hrefIn, renderPage } from "../views/layout.js";

/**
 * GET /[?country=XX]: the board. Without a country it shows every country with a status (measured or from
 * history) and always DEFAULT_COUNTRY; `?country=` shows that one country alone (an unknown one is
 * ignored: the board is a page, not an API).
 */
export function boardRoutes({ store, kb, now, defaultCountry }: WebDeps): Hono<WebEnv> {
  return new Hono<WebEnv>().get("/", named("board", "page"), async (c) => {
    const lang = pageLang(c);
    const asked = c.req.query("country")?.trim().toUpperCase();
    const focus = asked && kb.country(asked) ? asked : undefined;
    const censoring = kb.countries.filter((x) => x.role === "censoring").map((x) => x.code);
    const allCountries = censoring.includes(defaultCountry) ? censoring : [defaultCountry, ...censoring];
    const candidates = focus ? [focus] : allCountries;
    const at = now();
    const loaded = await Promise.all(candidates.map((code) => loadCountry(store, kb, code, at)));
    const countries: BoardCountry[] = candidates
      .map((code, i) => {
        const snapshots = [...(loaded[i] ?? new Map<string, TargetSnapshot>()).values()];
        return {
          code,
          rows: snapshots.flatMap(({ view, availability }) =>
            view.basis === "none"
              ? []
              : [
                  {
                    service: view.service,
                    status: view.status,
                    basis: view.basis,
                    measuredAt: view.measuredAt,
                    stale: view.stale,
                    since: view.since,
                    availability: availability.ratio,
                    measuredMs: availability.measuredMs,
                  },
                ],
          ),
          unmeasured: snapshots.filter((s) => s.view.basis === "none").map((s) => s.view.service),
        };
      })
      .filter((x) => focus !== undefined || x.rows.length > 0 || x.code === defaultCountry);
    const model: BoardModel = { countries, allCountries };
    const query: Record<string, string> = focus ? { country: focus } : {};
    return htmlResponse(
      c,
      200,
      renderPage({
        lang,
        title: wt(lang, "board.title"),
        hrefForLang: (l) => hrefIn("/", l, query),
        main: renderBoard(kb, model, lang),
        apiCountry: focus ?? defaultCountry,
        feeds: countries.map((x) => countryFeed(kb, x.code, lang)),
      }),
    );
  });
}
