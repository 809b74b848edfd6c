// A checker for what Telegram's parse_mode HTML accepts, written from the Bot API's "HTML style" rules:
// only its tags (with only their attributes), properly nested, every <, > and & outside a tag written as
// an entity, and only the entities it names (&lt; &gt; &amp; &quot; and numeric ones). Telegram also
// refuses text that is not valid UTF-8, which in a JavaScript string means a lone surrogate.
// Returns the problems found; an empty list means Telegram would parse the message.

const ATTRIBUTES: Record<string, readonly string[]> = {
  b: [],
  strong: [],
  i: [],
  em: [],
  u: [],
  ins: [],
  s: [],
  strike: [],
  del: [],
  "tg-spoiler": [],
  span: ["class"],
  a: ["href"],
  "tg-emoji": ["emoji-id"],
  code: ["class"],
  pre: [],
  blockquote: ["expandable"],
};

const TAG = /^<(\/?)([a-z][a-z0-9-]*)((?:\s+[a-z-]+(?:="[^"<>]*")?)*)\s*>/;
const ATTRIBUTE = /([a-z-]+)(?:="([^"<>]*)")?/g;
const ENTITY = /^&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-f]{1,6});/i;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function telegramHtmlProblems(html: string): string[] {
  const problems: string[] = [];
  if (LONE_SURROGATE.test(html)) problems.push("a lone surrogate (not valid UTF-8)");
  const open: string[] = [];
  for (let at = 0; at < html.length; ) {
    const char = html.charAt(at);
    if (char === "<") {
      const tag = TAG.exec(html.slice(at));
      if (!tag) {
        problems.push(`a raw "<" at ${at}`);
        at++;
        continue;
      }
      const [whole, slash, name = "", attributes = ""] = tag;
      problems.push(...tagProblems(name, slash === "/", attributes, open, at));
      at += whole.length;
    } else if (char === "&") {
      const entity = ENTITY.exec(html.slice(at));
      if (!entity) problems.push(`a raw "&" at ${at}`);
      at += entity ? entity[0].length : 1;
    } else {
      if (char === ">") problems.push(`a raw ">" at ${at}`);
      at++;
    }
  }
  if (open.length > 0) problems.push(`unclosed ${open.map((n) => `<${n}>`).join("")}`);
  return problems;
}

function tagProblems(
  name: string,
  closing: boolean,
  attributes: string,
  open: string[],
  at: number,
): string[] {
  const allowed = ATTRIBUTES[name];
  if (!allowed) return [`tag <${name}> is not one Telegram knows, at ${at}`];
  if (closing) {
    if (attributes.trim() !== "") return [`closing tag </${name}> with attributes, at ${at}`];
    if (open.at(-1) !== name)
      return [`</${name}> closes ${open.at(-1) ? `<${open.at(-1)}>` : "nothing"}, at ${at}`];
    open.pop();
    return [];
  }
  const problems: string[] = [];
  for (const [, attribute = "", value] of attributes.matchAll(ATTRIBUTE)) {
    if (!allowed.includes(attribute)) problems.push(`<${name}> with attribute ${attribute}, at ${at}`);
    if (value !== undefined && /&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-f]+);)/i.test(value)) {
      problems.push(`a raw "&" in an attribute of <${name}>, at ${at}`);
    }
  }
  // Telegram's own nesting rules: no link in a link, nothing inside code or pre but pre's code.
  if (name === "a" && open.includes("a")) problems.push(`<a> inside <a>, at ${at}`);
  const parent = open.at(-1);
  if (parent === "code" || (parent === "pre" && name !== "code")) {
    problems.push(`<${name}> inside <${parent}>, at ${at}`);
  }
  open.push(name);
  return problems;
}

/** The text a reader sees: tags dropped, entities kept as written. */
export function textOf(html: string): string {
  return html.replace(/<[^>]*>/g, "");
}
