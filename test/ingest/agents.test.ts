import { describe, expect, it } from "vitest";
import { AgentsFileError, parseAgents } from "../../pipeline/agents.js";

const KEY = "k".repeat(32);

describe("agents file", () => {
  it("reads agents, keys from the file or the environment", () => {
    const registry = parseAgents(
      [
        { id: "bj-1", country: "cn", region: "beijing", role: "probe", key: KEY },
        { id: "de-1", country: "DE", role: "control", keyEnv: "DE_KEY" },
      ],
      "agents.yaml",
      { DE_KEY: "d".repeat(40) },
    );
    expect(registry.get("bj-1")).toEqual({
      id: "bj-1",
      country: "CN",
      region: "beijing",
      role: "probe",
      key: KEY,
    });
    expect(registry.get("de-1")?.key).toBe("d".repeat(40));
    expect(registry.secrets()).toEqual([KEY, "d".repeat(40)]);
    expect(registry.staleAfterMs).toBe(30 * 60_000);
  });

  it.each([
    [
      [{ id: "a", country: "CN", role: "probe", key: "short" }],
      "agents.0.key: must be at least 32 characters",
    ],
    [[{ id: "a", country: "CN", role: "probe" }], "agents.0: give exactly one of key and keyEnv"],
    [[{ id: "a", country: "CN", role: "probe", keyEnv: "MISSING" }], "agents.0.keyEnv: MISSING must be set"],
    [[{ id: "a", country: "CN", role: "spy", key: KEY }], "agents.0.role"],
    [
      [
        { id: "a", country: "CN", role: "probe", key: KEY },
        { id: "a", country: "CN", role: "probe", key: `${KEY}x` },
      ],
      "agents.1.id: a is listed twice",
    ],
    [
      [
        { id: "a", country: "CN", role: "probe", key: KEY },
        { id: "b", country: "CN", role: "probe", key: KEY },
      ],
      "agents.1.key: is the key of another agent",
    ],
    [[], "agents: at least one agent is needed"],
  ])("names the problem without printing a key: %j", (raw, expected) => {
    let error: unknown;
    try {
      parseAgents(raw, "agents.yaml", {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AgentsFileError);
    expect((error as Error).message).toContain(expected);
    expect((error as Error).message).not.toContain(KEY);
  });
});
