import type { FeedMessages } from "./index.js";

export const feedFa: FeedMessages = {
  "feed.titleCountry": "isblocked: تغییرات وضعیت در {place}",
  "feed.titleService": "isblocked: {service} در {place}",
  "feed.was": "پیش‌تر: {status}",
  "feed.link": "خوراک Atom تغییرات",
};
