import { describe, expect, it } from "vitest";
import type { StatusChange } from "../../analysis/status-engine.js";
import { renderAlert, renderDigest } from "../../bot/alerts/render-alert.js";
import { renderAnswer } from "../../bot/render.js";
import { renderAlternatives } from "../../bot/views/alternatives.js";
import { renderDetails } from "../../bot/views/details.js";
import type { ServiceStatusValue } from "../../model/status.js";
import type { Answer } from "../../pipeline/answer.js";
import { t } from "../../present/i18n/index.js";
import { servicePageTitle } from "../../web/views/service-page.js";
import { answerWithNothingKnown, miniKb, realKb } from "../helpers.js";
import { renamedKb } from "./renamed-kb.js";

// Russian adjectives agree with the noun they describe: «Википедия заблокирована», «радио заблокировано»,
// «Ведомости заблокированы». A status shown after any service name must therefore need no agreement (a
// noun such as «блокировка», or «работает»), and the name stays in the nominative, never after a verb or
// a preposition that would decline it. The same template is checked with a name of each gender and number.

/** The fixture's ChatApp under another Russian name, everything else as it is. */
const renamed = (ru: string) => renamedKb(miniKb(), "ru", { chatapp: ru });

const NAMES: [string, string][] = [
  ["feminine", "Википедия"],
  ["neuter", "Радио Свобода"],
  ["plural", "Ведомости"],
  ["masculine", "Телеграм"],
];

const STATUSES: [ServiceStatusValue, string][] = [
  ["accessible", "доступ есть"],
  ["partial", "частичная блокировка"],
  ["blocked", "блокировка"],
  ["outage", "не работает нигде (сбой, а не цензура)"],
  ["unknown", "неизвестно"],
];

// Forms that agree with a masculine noun only: any of them after a name is wrong for the others.
const AGREEING =
  /(^|[^а-яё])(доступен|доступна|доступно|доступны|заблокирован[аоы]?|работал[аои]?)([^а-яё]|$)/i;

describe("Russian status lines read right with any service name", () => {
  it("uses only status labels that need no agreement", () => {
    for (const [status, label] of STATUSES) expect(t("ru", `status.${status}`)).toBe(label);
    expect(t("ru", "verdict.ok")).toBe("работает");
    expect(t("ru", "verdict.blocked")).toBe("блокировка");
  });

  describe.each(NAMES)("a %s name: %s", (_gender, name) => {
    const kb = renamed(name);

    it.each(STATUSES)("answers with %s as «%s» after the name in the nominative", (status, label) => {
      const answer: Answer = {
        ...answerWithNothingKnown("chatapp", "CN"),
        status,
        basis: "measurement",
        since: "2026-11-20T08:00:00.000Z",
        checkedAt: "2026-11-21T10:05:00.000Z",
      };
      const text = renderAnswer(kb, answer, "ru");
      expect(text.split("\n")[0]).toMatch(
        new RegExp(`^\\S+ <b>${name} \\(Китай\\): ${escapeRegExp(label)}</b>$`),
      );
      expect(text).not.toMatch(AGREEING);
    });

    it("alerts, digests and titles with the name first and a noun for the status", () => {
      const change: StatusChange = {
        id: "chatapp/CN/2026-11-21T08:20:00.000Z",
        target: { service: "chatapp", country: "CN" },
        from: "accessible",
        to: "blocked",
        since: "2026-11-21T08:00:00.000Z",
        at: "2026-11-21T08:20:00.000Z",
        mechanism: "dns",
        features: [],
      };
      expect(renderAlert(kb, { change, alternatives: [], circumvention: [] }, "ru")).toBe(
        [
          `⛔ <b>${name} (Китай): теперь блокировка</b> (с 21 ноября 2026 г. 08:00 UTC)`,
          "Раньше: доступ есть.",
          "Подробнее: /status chatapp cn",
        ].join("\n"),
      );
      expect(renderDigest(kb, [change], "ru").split("\n")[1]).toBe(
        `⛔ ${name} (Китай): доступ есть → блокировка (21 ноября 2026 г. 08:00 UTC)`,
      );
      const details = renderDetails(kb, { service: "chatapp", country: "CN" }, undefined, "ru");
      expect(details.split("\n")[0]).toBe(`🔍 <b>${name} (Китай): подробности</b>`);
      const instead = renderAlternatives(
        kb,
        { service: "chatapp", country: "CN", alternatives: [], circumvention: [] },
        "ru",
      );
      expect(instead).toBe(`🔀 <b>${name} (Китай): чем заменить</b>\n${name}: альтернативы пока не указаны.`);
      expect(servicePageTitle(kb, "chatapp", "CN", "ru")).toBe(`${name} (Китай)`);
    });

    it("lists the name as an alternative with a status that needs no agreement", () => {
      const answer: Answer = {
        ...answerWithNothingKnown("safechat", "CN"),
        alternatives: [
          { service: "chatapp", status: "blocked", basis: "history", stale: false, e2ee: "yes" },
        ],
      };
      expect(renderAnswer(kb, answer, "ru")).toContain(
        `\n• ${name}: блокировка (по последним данным) · сквозное шифрование\n`,
      );
    });
  });

  it("names real feminine and neuter services in the knowledge base", () => {
    const kb = realKb();
    expect(kb.service("wikipedia")?.name.ru).toBe("Википедия");
    expect(kb.service("radio-farda")?.name.ru).toBe("Радио Фарда");
    expect(servicePageTitle(kb, "wikipedia", "RU", "ru")).toBe("Википедия (Россия)");
  });
});

const escapeRegExp = (text: string) => text.replace(/[()]/g, "\\$&");
