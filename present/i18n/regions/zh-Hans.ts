import type { RegionsMessages } from "./index.js";

export const regionsZhHans: RegionsMessages = {
  "regions.status.accessible": "可访问",
  "regions.status.partial": "部分被封锁",
  "regions.status.blocked": "被封锁",
  "regions.status.outage": "无法使用",
  "regions.status.unknown": "未知",
  "regions.line": "按地区：{groups}。",
  "regions.group": "{regions}{status}",
  "regions.and": "和",
  "regions.disagree": "我们的探测点结果不一致：{counts}。",
  "regions.count": "{count} 个探测点显示{status}",
  "details.byVantage": "按探测点（结果不一致）：",
  "details.vantage": "{vantage}（{region}）：{status}",
  "details.vantageNoRegion": "{vantage}：{status}",
};
