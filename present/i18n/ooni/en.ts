// The credit an answer gives OONI's public measurements (bot/views/ooni-credit.ts). Spread into the source
// locale (../en.ts); every locale has the same keys. Placeholders are {name}; text is plain.

export const ooniEn = {
  "ooni.measurements.one": "OONI: {count} measurement in the last {days} days, last at {lastAt}",
  "ooni.measurements.few": "OONI: {count} measurements in the last {days} days, last at {lastAt}",
  "ooni.measurements.many": "OONI: {count} measurements in the last {days} days, last at {lastAt}",
  "ooni.measurements.other": "OONI: {count} measurements in the last {days} days, last at {lastAt}",
  "ooni.none": "OONI: no measurements in the last {days} days.",
  "ooni.reading": "Our analysis of the latest {analysed}: {reading}",
  "ooni.unavailable": "OONI's public measurements could not be fetched just now.",
} as const;
