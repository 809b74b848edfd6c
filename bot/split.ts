// Telegram refuses messages longer than 4,096 characters. Long answers are split at line boundaries; a
// single line longer than the limit is cut at a space (anywhere, for text without spaces) and never inside
// a tag, an entity or a surrogate pair, with open tags closed before the cut and reopened after it, so
// every part is valid Telegram HTML on its own. Lengths are counted on the HTML, which is never shorter
// than the text Telegram counts.

export const TELEGRAM_MESSAGE_LIMIT = 4096;

export function splitMessage(htmlText: string, limit = TELEGRAM_MESSAGE_LIMIT): string[] {
  if (htmlText.length <= limit) return htmlText.trim() === "" ? [] : [htmlText];
  const parts: string[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    const part = trimBlankLines(current).join("\n");
    if (part.trim() !== "") parts.push(part);
    current = [];
    size = 0;
  };
  for (const line of htmlText.split("\n")) {
    const pieces = line.length > limit ? cutLine(line, limit) : [line];
    for (const piece of pieces) {
      const added = current.length === 0 ? piece.length : piece.length + 1;
      if (size + added > limit) flush();
      size += current.length === 0 ? piece.length : piece.length + 1;
      current.push(piece);
    }
  }
  flush();
  return parts;
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]?.trim() === "") start++;
  while (end > start && lines[end - 1]?.trim() === "") end--;
  return lines.slice(start, end);
}

interface Token {
  text: string;
  /** A tag opens (`<b>`, `<a href="…">`) or closes (`</b>`) an element of this name. */
  open?: string;
  close?: string;
  space?: boolean;
}

const TOKEN = /<\/?([a-z][a-z0-9-]*)[^>]*>|&#?[a-z0-9]+;|[\s\S]/giu;

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  for (const m of line.matchAll(TOKEN)) {
    const text = m[0];
    const name = m[1]?.toLowerCase();
    if (name) tokens.push(text.startsWith("</") ? { text, close: name } : { text, open: name });
    else tokens.push({ text, space: /^\s$/u.test(text) });
  }
  return tokens;
}

interface OpenTag {
  name: string;
  /** The opening tag as written, reopened after a cut. */
  html: string;
}

const closing = (open: readonly OpenTag[]) =>
  open
    .map((o) => `</${o.name}>`)
    .reverse()
    .join("");
const reopening = (open: readonly OpenTag[]) => open.map((o) => o.html).join("");

function cutLine(line: string, limit: number): string[] {
  const pieces: string[] = [];
  let open: OpenTag[] = [];
  let piece = "";
  // Where the piece could end at a space: the length of the piece there and the tags open at that point.
  let lastSpace: { at: number; open: OpenTag[] } | undefined;
  for (const token of tokenize(line)) {
    const openAfter = nextOpen(open, token);
    const fits = (length: number) => length + token.text.length + closing(openAfter).length <= limit;
    if (!fits(piece.length) && piece !== reopening(open)) {
      // At the last space if it keeps at least half a piece and what follows it fits in the next one; else
      // right here (text without spaces, such as Chinese).
      const atSpace =
        lastSpace &&
        lastSpace.at >= limit / 2 &&
        fits(reopening(lastSpace.open).length + piece.length - lastSpace.at)
          ? lastSpace
          : undefined;
      const at = atSpace ?? { at: piece.length, open };
      pieces.push(piece.slice(0, at.at) + closing(at.open));
      piece = reopening(at.open) + piece.slice(at.at);
      lastSpace = undefined;
    }
    piece += token.text;
    open = openAfter;
    if (token.space) lastSpace = { at: piece.length, open };
  }
  if (piece !== "") pieces.push(piece + closing(open));
  return pieces;
}

function nextOpen(open: OpenTag[], token: Token): OpenTag[] {
  if (token.open) return [...open, { name: token.open, html: token.text }];
  if (token.close) {
    const i = open.map((o) => o.name).lastIndexOf(token.close);
    return i === -1 ? open : open.slice(0, i);
  }
  return open;
}
