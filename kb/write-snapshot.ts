import { readFileSync } from "node:fs";
import { parseYaml } from "../core/yaml.js";
import { DEFAULT_ASN_BINARY, writeAsnBinary } from "./asn.js";
import { defaultKbDir, knowledgeBaseFiles } from "./load.js";
import { DEFAULT_SNAPSHOT, writeSnapshot } from "./snapshot.js";

// Run by `npm run build` after tsc: the parsed knowledge base for start-up (kb/snapshot.ts says why).
const files = knowledgeBaseFiles(defaultKbDir());
const stored = writeSnapshot(
  files.map((file) => readFileSync(file, "utf8")),
  parseYaml,
  DEFAULT_SNAPSHOT,
);
process.stdout.write(
  `knowledge-base snapshot: ${stored} of ${files.length} YAML files in ${DEFAULT_SNAPSHOT}\n`,
);

// The IP-to-ASN ranges as typed arrays (kb/asn.ts): milliseconds to load instead of a second of CSV parsing.
const ranges = writeAsnBinary();
process.stdout.write(`IP-to-ASN ranges: ${ranges} in ${DEFAULT_ASN_BINARY}\n`);
