// The Atom feeds' own words (present/atom.ts). Spread into the source locale (../en.ts); every locale has
// the same keys. Placeholders are {name}; plain text, the feed escapes it.

export const feedEn = {
  "feed.titleCountry": "isblocked: status changes in {place}",
  "feed.titleService": "isblocked: {service} in {place}",
  "feed.was": "was {status}",
  "feed.link": "Atom feed of changes",
} as const;
