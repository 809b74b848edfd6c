import type { Store } from "../model/store.js";
import type { Figure } from "./probe-cycle.js";

// Where an answer's store time goes, per method: printed beside the latency ratios, so that a ratio over
// its target says which store round trip it is made of.

export interface TimedStore {
  store: Store;
  /** Mean milliseconds per answer spent in each method called at least once every other answer. */
  figures(label: string, answers: number): Figure[];
}

export function timedStore(store: Store): TimedStore {
  const spent = new Map<string, { calls: number; ms: number }>();
  const timed = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== "function" || typeof name !== "string") return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await value.apply(target, args);
        } finally {
          const entry = spent.get(name) ?? { calls: 0, ms: 0 };
          entry.calls++;
          entry.ms += performance.now() - started;
          spent.set(name, entry);
        }
      };
    },
  });
  return {
    store: timed,
    figures: (label, answers) =>
      [...spent]
        // finishUpdate comes after the answer and waits to be written with the next claim (store/updates.ts):
        // its time is waiting, on no answer's path.
        .filter(([name, { calls }]) => calls * 2 >= answers && name !== "finishUpdate")
        .map(([name, { ms }]) => ({
          figure: `${label}: store time per answer, ${name}`,
          value: ms / answers,
          target: null,
          unit: "ms",
        })),
  };
}
