import { htmlResponse, type Route } from "../http.js";
import { wt } from "../i18n/index.js";
import { loadCountry, type TargetSnapshot } from "../load.js";
import type { BoardCountry, BoardModel } from "../views/board.js";
import { renderBoard } from "../views/board.js";
import { hrefIn, renderPage } from "../views/layout.js";

/**
 * GET /[?country=XX]: the board. Without a country it shows every country with a status (measured or from
 * history) and always DEFAULT_COUNTRY; `?country=` shows that one country alone.
 */
export const boardRoute: Route = {
  name: "board",
  pattern: /^\/$/,
  async handle(request, { store, kb, now, defaultCountry }) {
    const { lang, url } = request;
    const asked = url.searchParams.get("country")?.trim().toUpperCase();
    const focus = asked && kb.country(asked) ? asked : undefined;
    const censoring = kb.countries.filter((c) => c.role === "censoring").map((c) => c.code);
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
                    checkedAt: view.checkedAt,
                    since: view.since,
                    availability: availability.ratio,
                    measuredMs: availability.measuredMs,
                  },
                ],
          ),
          unmeasured: snapshots.filter((s) => s.view.basis === "none").map((s) => s.view.service),
        };
      })
      .filter((c) => focus !== undefined || c.rows.length > 0 || c.code === defaultCountry);
    const model: BoardModel = { countries, allCountries };
    const query: Record<string, string> = focus ? { country: focus } : {};
    return htmlResponse(
      200,
      renderPage({
        lang,
        title: wt(lang, "board.title"),
        hrefForLang: (l) => hrefIn("/", l, query),
        main: renderBoard(kb, model, lang),
        apiCountry: focus ?? defaultCountry,
      }),
    );
  },
};
