import { describe, expect, it } from "vitest";
import { type SenderFacts, settingsPermission } from "../../bot/permissions.js";

const group = (facts: Partial<SenderFacts>): SenderFacts => ({
  chatType: "supergroup",
  chatId: -1001,
  automaticForward: false,
  channelPost: false,
  ...facts,
});

describe("settingsPermission", () => {
  it("lets anyone change their own private chat", () => {
    expect(settingsPermission({ ...group({}), chatType: "private", chatId: 5, fromId: 5 })).toEqual({
      kind: "allow",
    });
  });

  it("asks Telegram about an ordinary sender in a group, then lets only the creator and admins", () => {
    const facts = group({ fromId: 7 });
    expect(settingsPermission(facts)).toEqual({ kind: "askMemberStatus", userId: 7 });
    expect(settingsPermission(facts, "creator")).toEqual({ kind: "allow" });
    expect(settingsPermission(facts, "administrator")).toEqual({ kind: "allow" });
    for (const status of ["member", "restricted", "left", "kicked"] as const) {
      expect(settingsPermission(facts, status)).toEqual({ kind: "refuse", reason: "notAdmin" });
    }
    expect(settingsPermission({ ...facts, chatType: "group" }, "member")).toEqual({
      kind: "refuse",
      reason: "notAdmin",
    });
  });

  it("lets an anonymous admin, who writes as the group itself, without asking", () => {
    expect(settingsPermission(group({ fromId: 1087968824, senderChatId: -1001 }))).toEqual({ kind: "allow" });
  });

  it("refuses a linked channel's automatic forwards and messages sent as another chat", () => {
    expect(
      settingsPermission(group({ fromId: 777000, senderChatId: -1002, automaticForward: true })),
    ).toEqual({
      kind: "refuse",
      reason: "autoForward",
    });
    expect(settingsPermission(group({ fromId: 777000 }))).toEqual({ kind: "refuse", reason: "autoForward" });
    expect(settingsPermission(group({ fromId: 136817688, senderChatId: -1002 }))).toEqual({
      kind: "refuse",
      reason: "otherChat",
    });
  });

  it("lets a channel's own posts, which only its admins can make, and asks about a button's presser", () => {
    expect(
      settingsPermission({
        ...group({ senderChatId: -1003 }),
        chatType: "channel",
        chatId: -1003,
        channelPost: true,
      }),
    ).toEqual({
      kind: "allow",
    });
    const pressedInChannel = { ...group({ fromId: 9 }), chatType: "channel" as const, chatId: -1003 };
    expect(settingsPermission(pressedInChannel)).toEqual({ kind: "askMemberStatus", userId: 9 });
    expect(settingsPermission(pressedInChannel, "administrator")).toEqual({ kind: "allow" });
    expect(settingsPermission(pressedInChannel, "member")).toEqual({ kind: "refuse", reason: "notAdmin" });
  });
});
