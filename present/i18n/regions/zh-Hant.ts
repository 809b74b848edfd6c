import type { RegionsMessages } from "./index.js";

export const regionsZhHant: RegionsMessages = {
  "regions.status.accessible": "可連線",
  "regions.status.partial": "部分遭封鎖",
  "regions.status.blocked": "遭封鎖",
  "regions.status.outage": "無法使用",
  "regions.status.unknown": "未知",
  "regions.line": "依地區：{groups}。",
  "regions.group": "{regions}{status}",
  "regions.and": "和",
  "regions.disagree": "我們的探測點結果不一致：{counts}。",
  "regions.count": "{count} 個探測點顯示{status}",
  "details.byVantage": "依探測點（結果不一致）：",
  "details.vantage": "{vantage}（{region}）：{status}",
  "details.vantageNoRegion": "{vantage}：{status}",
};
