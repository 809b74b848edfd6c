import { describe, expect, it } from "vitest";
import { telegramHtmlProblems } from "./telegram-html.js";

// The fuzzers' HTML checker must be able to fail: each kind of invalid message is caught.

describe("telegramHtmlProblems", () => {
  it.each([
    ["plain text", "ChatApp is blocked"],
    ["the renderer's tags", '⛔ <b>ChatApp</b> <i>x</i> <a href="https://a.org/?a=1&amp;b=2">source</a>'],
    ["entities", "a &lt; b &gt; c &amp; d &quot;e&quot; &#128512; &#x1F600;"],
    ["nested tags", "<b><i><u>x</u></i></b>"],
    ["code in pre", '<pre><code class="language-ts">x</code></pre>'],
    ["a surrogate pair", "😀"],
  ])("accepts %s", (_name, html) => {
    expect(telegramHtmlProblems(html)).toEqual([]);
  });

  it.each([
    ["a raw <", "1 < 2", 'a raw "<"'],
    ["a raw >", "2 > 1", 'a raw ">"'],
    ["a raw &", "Q&A", 'a raw "&"'],
    ["an entity Telegram does not know", "&nbsp;", 'a raw "&"'],
    ["an unknown tag", "<script>x</script>", "tag <script>"],
    ["an unclosed tag", "<b>x", "unclosed <b>"],
    ["crossed tags", "<b><i>x</b></i>", "</b> closes <i>"],
    ["a stray closing tag", "x</b>", "</b> closes nothing"],
    ["a forbidden attribute", '<b onclick="x">y</b>', "attribute onclick"],
    ["a raw & in href", '<a href="https://a.org/?a=1&b=2">s</a>', 'a raw "&" in an attribute'],
    ["a link in a link", '<a href="x"><a href="y">s</a></a>', "<a> inside <a>"],
    ["a tag in code", "<code><b>x</b></code>", "<b> inside <code>"],
    ["a lone high surrogate", "x\ud83d", "lone surrogate"],
    ["a lone low surrogate", "\ude00x", "lone surrogate"],
  ])("rejects %s", (_name, html, problem) => {
    const problems = telegramHtmlProblems(html);
    expect(
      problems.some((p) => p.includes(problem)),
      problems.join("; "),
    ).toBe(true);
  });
});
