import { describe, expect, it } from "vitest";
import { loadKnowledgeBase } from "../../kb/load.js";

// The look-ups an answer makes a dozen times are indexed once; callers may sort or cut what they get.
describe("knowledge base look-ups", () => {
  const kb = loadKnowledgeBase();

  it("gives a target's events oldest first, exactly those of the target", () => {
    const expected = kb.events
      .filter((e) => e.service === "whatsapp" && e.country === "CN")
      .sort((a, b) => a.date.localeCompare(b.date));
    expect(expected.length).toBeGreaterThan(1);
    expect(kb.eventsFor("whatsapp", "CN")).toEqual(expected);
    expect(kb.eventsFor("whatsapp", "XX")).toEqual([]);
  });

  it("hands out copies: changing one list changes no later answer", () => {
    const events = kb.eventsFor("whatsapp", "CN");
    const first = events[0];
    events.reverse().pop();
    expect(kb.eventsFor("whatsapp", "CN")[0]).toBe(first);

    const tools = kb.circumventionTools();
    const ids = tools.map((s) => s.id);
    expect(ids.length).toBeGreaterThan(1);
    tools.reverse().pop();
    expect(kb.circumventionTools().map((s) => s.id)).toEqual(ids);
  });
});
