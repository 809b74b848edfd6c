// When daily digests are due: once a day at DIGEST_HOUR:00 UTC. Pure.

const DAY_MS = 24 * 60 * 60 * 1000;

/** The latest digest time at or before `nowMs`. */
export function latestDigestAt(nowMs: number, hour: number): Date {
  checkHour(hour);
  const now = new Date(nowMs);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour);
  return new Date(today <= nowMs ? today : today - DAY_MS);
}

/** The first digest time after `nowMs`. */
export function nextDigestAt(nowMs: number, hour: number): Date {
  return new Date(latestDigestAt(nowMs, hour).getTime() + DAY_MS);
}

function checkHour(hour: number): void {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23)
    throw new RangeError(`digest hour must be 0-23: ${hour}`);
}
