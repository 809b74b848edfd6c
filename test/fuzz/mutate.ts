// Structural mutation of parsed documents (YAML or JSON), shared by the fuzzers of the readers.

export type Path = (string | number)[];

/** Every path into a document, the root included. */
export function pathsOf(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return [path, ...value.flatMap((v, i) => pathsOf(v, [...path, i]))];
  if (value !== null && typeof value === "object") {
    return [path, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...path, k]))];
  }
  return [path];
}

/**
 * `doc` with the value at `path` replaced, or removed when `value` is undefined; the original is left as it
 * was. A path through something that is not a container makes one.
 */
export function replaced(doc: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...Path];
  const copy = (
    Array.isArray(doc) ? [...doc] : typeof doc === "object" && doc !== null ? { ...doc } : {}
  ) as Record<string | number, unknown>;
  const next = replaced(copy[head], rest, value);
  if (next !== undefined) copy[head] = next;
  else if (Array.isArray(copy)) copy.splice(head as number, 1);
  else delete copy[head];
  return copy;
}
