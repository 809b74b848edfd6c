// Who may change a chat's subscriptions and settings. Pure: the facts of one message in, a decision out;
// the one fact that needs Telegram (the sender's member status) is asked for only when it decides.

/** Telegram's service account that posts a linked channel's posts into its discussion group. */
export const TELEGRAM_SERVICE_USER_ID = 777000;

export type ChatKind = "private" | "group" | "supergroup" | "channel";
export type MemberStatus = "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";

export interface SenderFacts {
  chatType: ChatKind;
  chatId: number;
  /** The user who sent the message or pressed the button; absent for channel posts. */
  fromId?: number;
  /** The chat the message was sent on behalf of: the group itself (an anonymous admin) or a channel. */
  senderChatId?: number;
  /** A linked channel's post copied into its discussion group. */
  automaticForward: boolean;
  /** A post in a channel: only the channel's admins can post there. */
  channelPost: boolean;
}

export type RefusalReason = "notAdmin" | "autoForward" | "otherChat";

export type PermissionDecision =
  | { kind: "allow" }
  | { kind: "refuse"; reason: RefusalReason }
  /** Decided by the sender's member status: ask Telegram (getChatMember), then decide again with it. */
  | { kind: "askMemberStatus"; userId: number };

const allow = { kind: "allow" } as const;
const refuse = (reason: RefusalReason) => ({ kind: "refuse", reason }) as const;

export function settingsPermission(facts: SenderFacts, memberStatus?: MemberStatus): PermissionDecision {
  if (facts.chatType === "private") return allow;
  // A post in a channel comes from its admins; a button pressed under one is checked like a group member.
  if (facts.chatType === "channel" && facts.channelPost) return allow;
  if (facts.automaticForward || facts.fromId === TELEGRAM_SERVICE_USER_ID) return refuse("autoForward");
  if (facts.senderChatId !== undefined) {
    // Sent as the group itself: only admins can stay anonymous, so this is an admin.
    return facts.senderChatId === facts.chatId ? allow : refuse("otherChat");
  }
  if (facts.fromId === undefined) return refuse("notAdmin");
  if (memberStatus === undefined) return { kind: "askMemberStatus", userId: facts.fromId };
  return memberStatus === "creator" || memberStatus === "administrator" ? allow : refuse("notAdmin");
}
