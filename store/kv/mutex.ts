/**
 * Serialises async tasks per key inside one process. Compare-and-set alone would still be correct, but
 * without this a burst of updates on one key from one process would mostly retry against itself.
 */
export class KeyedMutex {
  /** The promise the next task on a key waits for; removed when the key goes idle so the map stays small. */
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let release = (): void => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    // An idle key (the usual case) waits for nothing: no promise chained, no turn of the microtask queue.
    const tail = previous === undefined ? done : previous.then(() => done);
    this.tails.set(key, tail);
    if (previous !== undefined) await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
