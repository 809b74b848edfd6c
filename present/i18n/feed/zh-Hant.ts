import type { FeedMessages } from "./index.js";

export const feedZhHant: FeedMessages = {
  "feed.titleCountry": "isblocked：{place}的狀態變化",
  "feed.titleService": "isblocked：{service}在{place}",
  "feed.was": "此前：{status}",
  "feed.link": "狀態變化的 Atom 訂閱來源",
};
