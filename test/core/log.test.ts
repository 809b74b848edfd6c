import { describe, expect, it } from "vitest";
import { createLogger, redact } from "../../core/log.js";

const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";

describe("logger", () => {
  it("writes one JSON object per line with level, message and fields", () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), now: () => new Date("2026-01-02T03:04:05Z") });
    log.child({ component: "bot" }).info("hello", { n: 1 });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { time: "2026-01-02T03:04:05.000Z", level: "info", msg: "hello", component: "bot", n: 1 },
    ]);
  });

  it("keeps an error's stack for errors and at debug, and leaves it out of an expected failure", () => {
    const lines: string[] = [];
    const info = createLogger({ write: (l) => lines.push(l) });
    const failure = new Error("OONI unreachable", { cause: new Error("getaddrinfo ENOTFOUND api.ooni.io") });
    info.warn("OONI unavailable", { error: failure });
    info.error("store unavailable", { error: failure });
    createLogger({ level: "debug", write: (l) => lines.push(l) }).warn("OONI unavailable", {
      error: failure,
    });
    const [warned, errored, debugged] = lines.map((l) => JSON.parse(l));
    expect(warned.error).toEqual({
      name: "Error",
      message: "OONI unreachable",
      cause: { name: "Error", message: "getaddrinfo ENOTFOUND api.ooni.io" },
    });
    expect(errored.error.stack).toMatch(/^Error: OONI unreachable\n\s+at /);
    expect(debugged.error.stack).toMatch(/^Error: OONI unreachable/);
    expect(debugged.error.cause.stack).toMatch(/^Error: getaddrinfo/);
  });

  it("drops messages below the level", () => {
    const lines: string[] = [];
    const log = createLogger({ level: "warn", write: (l) => lines.push(l) });
    log.info("quiet");
    log.warn("loud");
    expect(lines).toHaveLength(1);
  });

  it("redacts configured secrets and token-shaped strings everywhere, errors and causes included", () => {
    const lines: string[] = [];
    const log = createLogger({
      level: "debug",
      secrets: [TOKEN, "hook-secret-1"],
      write: (l) => lines.push(l),
    });
    const cause = new Error(`connect ECONNREFUSED https://api.telegram.org/bot${TOKEN}/getMe`);
    log.debug("request", { url: `/bot${TOKEN}/sendMessage`, header: "hook-secret-1" });
    log.error("failed", { error: new Error("getMe failed", { cause }) });
    log.warn("other token", { text: "bot987654321:ZZHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0 leaked" });
    const all = lines.join("\n");
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain("AAHfiqksKZ8WmR2zSjiQ7");
    expect(all).not.toContain("ZZHfiqksKZ8WmR2zSjiQ7");
    expect(all).not.toContain("hook-secret-1");
    expect(all.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it("redact leaves ordinary text alone", () => {
    expect(redact("port 8080: 12 ok", ["abcd"])).toBe("port 8080: 12 ok");
  });
});
