import { describe, expect, it } from "vitest";
import { parseCountry, parseTargetArgs } from "../../bot/targets.js";
import { realKb } from "../helpers.js";

const kb = realKb();
const parse = (args: string, allowAll = true) => parseTargetArgs(args, kb, "CN", { allowAll });

describe("parseTargetArgs", () => {
  it("reads a service and a country the way questions are read", () => {
    expect(parse("whatsapp")).toEqual({ kind: "target", target: { service: "whatsapp", country: "CN" } });
    expect(parse("whatsapp ir")).toEqual({ kind: "target", target: { service: "whatsapp", country: "IR" } });
    expect(parse("ватсап иран")).toEqual({ kind: "target", target: { service: "whatsapp", country: "IR" } });
    expect(parse("telegram russia")).toEqual({
      kind: "target",
      target: { service: "telegram", country: "RU" },
    });
  });

  it("reads all, in every language, for every service of a country", () => {
    expect(parse("all")).toEqual({ kind: "target", target: { service: "*", country: "CN" } });
    expect(parse("ALL ir")).toEqual({ kind: "target", target: { service: "*", country: "IR" } });
    expect(parse("все россия")).toEqual({ kind: "target", target: { service: "*", country: "RU" } });
    expect(parse("همه ایران")).toEqual({ kind: "target", target: { service: "*", country: "IR" } });
    expect(parse("all atlantis")).toEqual({ kind: "unknownCountry", input: "atlantis" });
  });

  it("says what is missing or unknown", () => {
    expect(parse("  ")).toEqual({ kind: "missing" });
    expect(parse("all", false).kind).toBe("unknownService");
    expect(parse("qwertyuiop").kind).toBe("unknownService");
  });
});

describe("parseCountry", () => {
  it("takes a code or a name", () => {
    expect(parseCountry("ir", kb)).toBe("IR");
    expect(parseCountry("Iran", kb)).toBe("IR");
    expect(parseCountry("Россия", kb)).toBe("RU");
    expect(parseCountry("中国", kb)).toBe("CN");
    expect(parseCountry("xx", kb)).toBeUndefined();
  });
});
