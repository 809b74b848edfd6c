import { describe, expect, it } from "vitest";
import { backOff, DEFAULT_RETRY, decide } from "../../../bot/alerts/outcome.js";
import type { SendResult } from "../../../bot/alerts/telegram-sender.js";

const NOW = 1_000_000;
const refused = (error_code: number, description: string, parameters = {}): SendResult => ({
  ok: false,
  error_code,
  description,
  parameters,
});
const always = () => 1;

describe("decide", () => {
  it("counts a message delivered only when Telegram answered ok", () => {
    expect(decide({ ok: true, message_id: 7 }, 1, NOW, DEFAULT_RETRY)).toEqual({
      kind: "sent",
      messageId: 7,
    });
  });

  it("waits exactly retry_after on a 429, and gives up only after many", () => {
    const tooMany = refused(429, "Too Many Requests: retry after 5", { retry_after: 5 });
    expect(decide(tooMany, 1, NOW, DEFAULT_RETRY)).toEqual({
      kind: "retry",
      notBefore: NOW + 5000,
      reason: "429: Too Many Requests: retry after 5",
    });
    expect(decide(tooMany, DEFAULT_RETRY.maxAttempts + 1, NOW, DEFAULT_RETRY).kind).toBe("retry");
    expect(decide(tooMany, DEFAULT_RETRY.maxRequests, NOW, DEFAULT_RETRY).kind).toBe("failed");
    expect(decide(refused(429, "Too Many Requests"), 3, NOW, DEFAULT_RETRY, always)).toMatchObject({
      notBefore: NOW + 4000,
    });
  });

  it.each([
    "Forbidden: bot was blocked by the user",
    "Forbidden: bot was kicked from the group chat",
    "Forbidden: user is deactivated",
  ])("takes a 403 as the chat gone for good: %s", (description) => {
    expect(decide(refused(403, description), 1, NOW, DEFAULT_RETRY)).toEqual({
      kind: "gone",
      reason: `403: ${description}`,
    });
  });

  it("follows a group to its supergroup on 400 migrate_to_chat_id, and fails other 400s", () => {
    const migrated = refused(400, "Bad Request: group chat was upgraded to a supergroup chat", {
      migrate_to_chat_id: -1001234567890,
    });
    expect(decide(migrated, 1, NOW, DEFAULT_RETRY)).toMatchObject({ kind: "moved", to: "-1001234567890" });
    expect(decide(refused(400, "Bad Request: chat not found"), 1, NOW, DEFAULT_RETRY)).toEqual({
      kind: "failed",
      reason: "400: Bad Request: chat not found",
    });
  });

  it("backs off and retries 5xx and sends that got no answer, then gives up", () => {
    expect(decide(refused(502, "Bad Gateway"), 1, NOW, DEFAULT_RETRY, always)).toMatchObject({
      kind: "retry",
      notBefore: NOW + 1000,
    });
    expect(decide(refused(0, "no answer within 20000 ms"), 2, NOW, DEFAULT_RETRY, always)).toMatchObject({
      kind: "retry",
      notBefore: NOW + 2000,
    });
    expect(decide(refused(500, "Internal"), DEFAULT_RETRY.maxAttempts, NOW, DEFAULT_RETRY).kind).toBe(
      "failed",
    );
  });
});

describe("backOff", () => {
  it("doubles per attempt up to the cap, jittered between half and all of it", () => {
    const policy = { ...DEFAULT_RETRY, baseMs: 1000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backOff(n, policy, always))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(backOff(3, policy, () => 0)).toBe(2000);
  });
});
