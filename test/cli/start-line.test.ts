import { describe, expect, it } from "vitest";
import { sourcesOf, startLine, summaryOf } from "../../cli/start-line.js";

// The one line `start` says about itself, pinned word for word for each kind of deployment.

const ooniHourly = { ooniApiUrl: "https://api.ooni.io", ooniSchedule: "17 * * * *" };

describe("the start line", () => {
  it("names the console chat, its store, page, sources and log file (the two-command default)", () => {
    const summary = summaryOf(
      "console",
      "sqlite://./data/isblocked.sqlite",
      8080,
      sourcesOf(ooniHourly, [{ role: "control", country: "ZZ" }], 0),
      "data/isblocked.log",
    );
    expect(startLine(summary)).toBe(
      "isblocked: console chat · store sqlite://./data/isblocked.sqlite · page http://127.0.0.1:8080/ · sources: OONI's public measurements (schedule 17 * * * *), the knowledge base's history · logs in data/isblocked.log",
    );
  });

  it("counts probe vantages by country and agents, and hides a Redis password", () => {
    const vantages = [
      { role: "probe" as const, country: "IR" },
      { role: "probe" as const, country: "CN" },
      { role: "probe" as const, country: "CN" },
      { role: "control" as const, country: "DE" },
    ];
    const summary = summaryOf(
      "telegram-webhook",
      "redis://bot:hunter2@redis.internal:6379/0",
      8443,
      sourcesOf({ ooniApiUrl: "https://api.ooni.io", ooniSchedule: "off" }, vantages, 1),
    );
    expect(startLine(summary)).toBe(
      "isblocked: Telegram bot (webhook) · store redis://bot:***@redis.internal:6379/0 · page http://127.0.0.1:8443/ · sources: 3 probe vantages (CN, IR), 1 remote agent, OONI's public measurements (while answering), the knowledge base's history",
    );
    expect(summary.store).not.toContain("hunter2");
  });

  it("with OONI off and no vantage, rests on the knowledge base alone, and says so", () => {
    expect(sourcesOf({ ooniApiUrl: undefined, ooniSchedule: "off" }, [], 0)).toEqual([
      "the knowledge base's history",
    ]);
  });
});
