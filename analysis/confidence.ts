import type { StatusMethod } from "../model/status.js";

// Confidence is the vantages' agreement weighed by how much evidence stands behind it. One vantage alone
// is never certain (its network may be unusual, its canary unlucky); a control makes a failure mean
// something; more measurements make a fluke less likely. So one vantage without a control is at most
// 50%, one with a control 75%, and only two or more vantages with a control reach 100%.

/** 0..1: how much evidence `method` stands for, before agreement is counted. */
export function evidenceStrength(method: StatusMethod): number {
  if (method.vantages === 0) return 0;
  // 0.5, 0.75, 0.875 … for 1, 2, 3 … vantages: each one more halves what is left to doubt.
  const fromVantages = 1 - 0.5 ** method.vantages;
  const fromControl = method.controls > 0 ? 0.25 : 0;
  const thin = method.measurements < 3 ? 0.8 : 1;
  return Math.min(1, (fromVantages + fromControl) * thin);
}

/** The confidence of a status: the share of vantages that agree with it, times the evidence's strength. */
export function confidenceOf(agreement: number, method: StatusMethod): number {
  return Math.round(agreement * evidenceStrength(method) * 1000) / 1000;
}
