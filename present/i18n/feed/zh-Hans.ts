import type { FeedMessages } from "./index.js";

export const feedZhHans: FeedMessages = {
  "feed.titleCountry": "isblocked：{place}的状态变化",
  "feed.titleService": "isblocked：{service}在{place}",
  "feed.was": "此前：{status}",
  "feed.link": "状态变化的 Atom 订阅源",
};
