import { createRequire } from "node:module";

// The `yaml` library takes about 80 ms to load, a large share of start-up, and `start` needs it only when
// a vantages or agents file is YAML or the knowledge base differs from the build's snapshot
// (kb/snapshot.ts): so it is loaded on first use. A synchronous require, as every reader of YAML here is
// synchronous; "yaml" resolves to the same CommonJS build an `import` would.
const require = createRequire(import.meta.url);
let yaml: typeof import("yaml") | undefined;

/** `YAML.parse` of the `yaml` library, which throws its own errors on bad input. */
export function parseYaml(text: string): unknown {
  yaml ??= require("yaml") as typeof import("yaml");
  return yaml.parse(text);
}
