import type { FeedMessages } from "./index.js";

export const feedRu: FeedMessages = {
  "feed.titleCountry": "isblocked: изменения статуса, страна: {place}",
  "feed.titleService": "isblocked: {service}, страна: {place}",
  "feed.was": "было: {status}",
  "feed.link": "Atom-лента изменений",
};
