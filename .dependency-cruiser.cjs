// The layers of docs/design.md, enforced by `npm run lint`. Each folder imports only from the layers below
// it; adapters never import each other (they share through a lower layer); only the composition root
// (cli/) wires adapters together. Lowest first:
//   core → model → kb → analysis → pipeline → present → adapters → cli
// lab/ is the censorship lab (test infrastructure): it may use anything but cli; bench/ and test/ may use
// anything. Nothing in the product imports lab/, bench/ or test/.

const LAYERS = [
  ["core", []],
  ["model", ["core"]],
  ["kb", ["core", "model"]],
  ["analysis", ["core", "model", "kb"]],
  ["pipeline", ["core", "model", "kb", "analysis"]],
  ["present", ["core", "model", "kb", "analysis", "pipeline"]],
];
const LOWER = ["core", "model", "kb", "analysis", "pipeline", "present"];
const ADAPTERS = ["probes", "store", "bot", "web", "charts", "ingest", "ooni", "scheduler"];

const folder = (name) => `^${name}/`;
const anyOf = (names) => `^(${names.join("|")})/`;

const layerRules = LAYERS.map(([layer, below]) => ({
  name: `layer-${layer}`,
  comment: `${layer}/ imports only from ${below.length ? below.join(", ") : "node and npm packages"}`,
  severity: "error",
  from: { path: folder(layer) },
  to: {
    path: "^[^/]+/",
    pathNot: [folder(layer), ...(below.length ? [anyOf(below)] : []), "^node_modules/"],
    dependencyTypesNot: ["core"],
  },
}));

const adapterRules = ADAPTERS.map((adapter) => ({
  name: `adapter-${adapter}`,
  comment: `${adapter}/ is an adapter: it imports lower layers and itself, never another adapter or cli`,
  severity: "error",
  from: { path: folder(adapter) },
  to: {
    path: "^[^/]+/",
    pathNot: [folder(adapter), anyOf(LOWER), "^node_modules/"],
    dependencyTypesNot: ["core"],
  },
}));

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "a cycle makes two modules one: split what they share into a lower module",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    ...adapterRules,
    {
      name: "cli-not-test",
      comment: "the command never loads the lab, the benchmarks or the tests",
      severity: "error",
      from: { path: "^cli/" },
      to: { path: anyOf(["lab", "bench", "test"]) },
    },
    {
      name: "lab-not-cli",
      comment: "the lab builds worlds from the product's layers, never from the command",
      severity: "error",
      from: { path: "^lab/" },
      to: { path: anyOf(["cli", "bench", "test"]) },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|coverage)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
