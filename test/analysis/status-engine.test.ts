import { describe, expect, it } from "vitest";
import {
  type EngineState,
  INITIAL_STATE,
  isNews,
  type Observation,
  replay,
  type StatusChange,
  step,
} from "../../analysis/status-engine.js";
import type { Mechanism, ServiceStatusValue } from "../../model/status.js";

// Sequences are strings, one letter per cycle, ten minutes apart.
const LETTERS: Record<string, ServiceStatusValue> = {
  S: "accessible",
  F: "blocked",
  P: "partial",
  O: "outage",
  U: "unknown",
};
const START = Date.UTC(2017, 8, 23, 0, 0);

function at(cycle: number): string {
  return new Date(START + cycle * 10 * 60_000).toISOString();
}

function observation(
  status: ServiceStatusValue,
  cycle: number,
  mechanism: Mechanism | null = null,
): Observation {
  return {
    service: "whatsapp",
    country: "CN",
    status,
    mechanism,
    features: [{ feature: "media", status: status === "accessible" ? "ok" : "blocked", mechanism }],
    regions: [],
    confidence: 0.9,
    at: at(cycle),
  };
}

/** Observations for `sequence`, numbered from cycle `first`. */
function cycles(sequence: string, first = 0): Observation[] {
  return [...sequence].map((letter, i) => {
    const status = LETTERS[letter];
    if (!status) throw new Error(`no status for ${letter}`);
    return observation(status, first + i, status === "accessible" ? null : "tls");
  });
}

function run(sequence: string, threshold = 2, state: EngineState = INITIAL_STATE, first = 0) {
  return replay(cycles(sequence, first), { threshold }, state);
}

const transitions = (changes: StatusChange[]) => changes.map((c) => `${c.from}->${c.to}`);

describe("status engine: confirmation after N consistent cycles (threshold 2)", () => {
  it("FSFS... x100 confirms nothing, from nothing or from a confirmed status", () => {
    const flapping = "FS".repeat(100);
    expect(run(flapping).changes).toEqual([]);
    expect(run(flapping).state.confirmed).toBeNull();

    const accessible = run("SS");
    const after = run(flapping, 2, accessible.state, 2);
    expect(after.changes).toEqual([]);
    expect(after.state.confirmed?.status).toBe("accessible");
  });

  it("FFF confirms exactly one change, then SS exactly one back", () => {
    const blocked = run("FFF");
    expect(transitions(blocked.changes)).toEqual(["null->blocked"]);
    const back = run("SS", 2, blocked.state, 3);
    expect(transitions(back.changes)).toEqual(["blocked->accessible"]);

    const fromAccessible = run("SSFFFSS");
    expect(transitions(fromAccessible.changes)).toEqual([
      "null->accessible",
      "accessible->blocked",
      "blocked->accessible",
    ]);
  });

  it("confirms the first status only after N cycles: one cycle shows nothing", () => {
    const once = run("F");
    expect(once.changes).toEqual([]);
    expect(once.state.confirmed).toBeNull();
    expect(once.state.candidate).toEqual({ status: "blocked", mechanism: "tls", count: 1, firstSeen: at(0) });
  });

  it("dates a change from the first cycle of its streak", () => {
    const { changes, state } = run("SSSFFF");
    const change = changes.at(-1);
    expect(change).toMatchObject({ from: "accessible", to: "blocked", since: at(3), at: at(4) });
    expect(state.confirmed).toMatchObject({ status: "blocked", since: at(3), checkedAt: at(5) });
  });

  it("moves checkedAt with every agreeing cycle, and only then", () => {
    let state = run("SS").state;
    expect(state.confirmed).toMatchObject({ since: at(0), checkedAt: at(1) });
    state = run("S", 2, state, 2).state;
    expect(state.confirmed).toMatchObject({ since: at(0), checkedAt: at(2) });
    state = run("F", 2, state, 3).state;
    expect(state.confirmed).toMatchObject({ status: "accessible", checkedAt: at(2) });
  });

  it("gives a change a deterministic id, and the latest details", () => {
    const { changes } = run("FF");
    expect(changes).toEqual([
      {
        id: `whatsapp/CN/${at(1)}`,
        target: { service: "whatsapp", country: "CN" },
        from: null,
        to: "blocked",
        since: at(0),
        at: at(1),
        mechanism: "tls",
        features: [{ feature: "media", status: "blocked", mechanism: "tls" }],
        baseline: null,
      },
    ]);
  });

  it("never confirms unknown as a first status: the history answers show stays", () => {
    const { changes, state } = run("UUUU");
    expect(changes).toEqual([]);
    expect(state.confirmed).toBeNull();
    expect(transitions(run("UUFF").changes)).toEqual(["null->blocked"]);
  });

  it("carries the history baseline on a first status only, and tells news from a repeat", () => {
    const baseline = { status: "blocked" as const, date: "2017-09", source: "https://example.org/nyt" };
    const first = replay(
      [
        { ...observation("blocked", 0), baseline },
        { ...observation("blocked", 1), baseline },
      ],
      { threshold: 2 },
    );
    expect(first.changes[0]).toMatchObject({ from: null, to: "blocked", baseline });
    expect(isNews(first.changes[0] as StatusChange)).toBe(false);
    const differs = replay(
      [
        { ...observation("accessible", 0), baseline },
        { ...observation("accessible", 1), baseline },
      ],
      { threshold: 2 },
    );
    expect(isNews(differs.changes[0] as StatusChange)).toBe(true);
    const later = replay(
      [
        { ...observation("accessible", 2), baseline },
        { ...observation("accessible", 3), baseline },
      ],
      { threshold: 2 },
      first.state,
    );
    expect(later.changes[0]).toMatchObject({ from: "blocked", to: "accessible" });
    expect(later.changes[0]).not.toHaveProperty("baseline");
    expect(isNews(later.changes[0] as StatusChange)).toBe(true);
  });
});

describe("status engine: thresholds", () => {
  it("threshold 1 confirms every new status at once", () => {
    const { changes } = run("FSFS".repeat(50), 1);
    expect(changes).toHaveLength(200);
    expect(changes[0]).toMatchObject({ from: null, to: "blocked", since: at(0), at: at(0) });
    expect(transitions(changes.slice(1, 3))).toEqual(["blocked->accessible", "accessible->blocked"]);
  });

  it("threshold 3 needs three in a row", () => {
    expect(run("FF", 3).changes).toEqual([]);
    expect(run("FFSFFSFF", 3).changes).toEqual([]);
    const { changes } = run("FFSFFF", 3);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ to: "blocked", since: at(3), at: at(5) });
    const confirmed = run("SSS", 3).state;
    expect(transitions(run("FFSFFFSSS", 3, confirmed, 3).changes)).toEqual([
      "accessible->blocked",
      "blocked->accessible",
    ]);
  });

  it("refuses a threshold below 1 or not whole", () => {
    expect(() => run("F", 0)).toThrow(RangeError);
    expect(() => run("F", 1.5)).toThrow(RangeError);
  });

  it("agrees with the definition on random sequences: a change iff the last N agree on a new status", () => {
    let seed = 20170923;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const threshold of [1, 2, 3, 4]) {
      for (let round = 0; round < 10; round++) {
        const sequence = Array.from({ length: 300 }, () => "SFPU"[Math.floor(random() * 4)]).join("");
        const { changes } = run(sequence, threshold);
        const expected: number[] = [];
        let confirmed: string | null = null;
        for (let i = threshold - 1; i < sequence.length; i++) {
          const window = sequence.slice(i - threshold + 1, i + 1);
          const letter = sequence[i] ?? "";
          // Unknown is never a first status: it confirms only over a status that was confirmed before.
          const firstUnknown = confirmed === null && letter === "U";
          if (letter !== confirmed && !firstUnknown && [...window].every((l) => l === letter)) {
            expected.push(i);
            confirmed = letter;
          }
        }
        expect(changes.map((c) => c.at)).toEqual(expected.map(at));
      }
    }
  });
});

describe("status engine: unknown, partial and mechanisms", () => {
  const blocked = () => run("FF").state;

  it("ignores unknown blips: they never displace a confirmed status", () => {
    const { changes, state } = run("UFUFUFUFUF", 2, blocked(), 2);
    expect(changes).toEqual([]);
    expect(state.confirmed).toMatchObject({ status: "blocked", since: at(0), checkedAt: at(11) });
  });

  it("confirms unknown when it persists for N cycles, and the status after it anew", () => {
    const { changes, state } = run("UUFF", 2, blocked(), 2);
    expect(transitions(changes)).toEqual(["blocked->unknown", "unknown->blocked"]);
    expect(changes[0]).toMatchObject({ since: at(2), at: at(3) });
    expect(state.confirmed).toMatchObject({ status: "blocked", since: at(4) });
  });

  it("restarts a streak on an unknown cycle: consecutive means consecutive", () => {
    const accessible = run("SS").state;
    expect(run("FUF", 2, accessible, 2).changes).toEqual([]);
    expect(transitions(run("FUFF", 2, accessible, 2).changes)).toEqual(["accessible->blocked"]);
  });

  it("moves between partial and blocked with the same confirmation", () => {
    const { changes } = run("PPFFPFPFPP");
    expect(transitions(changes)).toEqual(["null->partial", "partial->blocked", "blocked->partial"]);
    expect(changes[2]).toMatchObject({ since: at(8), at: at(9) });
  });

  it("tells outage from blocked: each is its own status", () => {
    expect(transitions(run("FFOOF").changes)).toEqual(["null->blocked", "blocked->outage"]);
  });

  it("a new mechanism under the same status is not a change, but the details follow it", () => {
    let state = replay([observation("blocked", 0, "dns"), observation("blocked", 1, "dns")], {
      threshold: 2,
    }).state;
    const result = replay(
      [observation("blocked", 2, "tls"), observation("blocked", 3, "tls")],
      { threshold: 2 },
      state,
    );
    state = result.state;
    expect(result.changes).toEqual([]);
    expect(state.confirmed).toMatchObject({
      status: "blocked",
      mechanism: "tls",
      since: at(0),
      checkedAt: at(3),
    });
    expect(state.confirmed?.features).toEqual([{ feature: "media", status: "blocked", mechanism: "tls" }]);
  });

  it("takes the confirming cycle's mechanism for a new status", () => {
    const { changes } = replay([observation("blocked", 0, "dns"), observation("blocked", 1, "tcp")], {
      threshold: 2,
    });
    expect(changes[0]?.mechanism).toBe("tcp");
  });
});

describe("status engine: replays", () => {
  it("ignores an observation it has seen, or an older one, and returns the same state", () => {
    const first = run("F").state;
    const again = step(first, observation("blocked", 0, "tls"), { threshold: 2 });
    expect(again.state).toBe(first);
    expect(again.change).toBeNull();
    const older = step(first, observation("blocked", -1, "tls"), { threshold: 2 });
    expect(older.state).toBe(first);
    expect(step(first, observation("blocked", 1, "tls"), { threshold: 2 }).change).not.toBeNull();
  });

  it("refuses an observation without a valid time", () => {
    expect(() =>
      step(INITIAL_STATE, { ...observation("blocked", 0), at: "yesterday" }, { threshold: 2 }),
    ).toThrow(RangeError);
  });

  it("never mutates the state it is given", () => {
    const state = run("SS").state;
    const frozen = structuredClone(state);
    run("FFF", 2, state, 2);
    expect(state).toEqual(frozen);
  });
});

describe("evidence", () => {
  it("the confirmed status keeps the latest cycle's evidence, for the service page", () => {
    const withEvidence = (i: number, line: string) => ({
      ...observation("blocked", i, "tls"),
      evidence: [line],
    });
    const { state } = replay([withEvidence(0, "bj-1: reset"), withEvidence(1, "bj-1: reset again")], {
      threshold: 2,
    });
    expect(state.confirmed?.evidence).toEqual(["bj-1: reset again"]);
    const later = step(state, withEvidence(2, "bj-1: reset a third time"), { threshold: 2 });
    expect(later.state.confirmed?.evidence).toEqual(["bj-1: reset a third time"]);
    expect(later.change).toBeNull();
  });
});
