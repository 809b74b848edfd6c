import type { AlertMessages } from "./index.js";

export const alertsZhHans: AlertMessages = {
  "alert.headline": "{service}在{place}的状态变为：{status}",
  "alert.when": "{headline}（自{since}起）",
  "alert.before": "此前：{status}。",
  "alert.beforeHistory": "此前：{status}，即自{since}起的最后已知状态，来自有日期的报道（{source}）。",
  "alert.blocked": "被封锁：{features}。",
  "alert.down": "各地均无法使用：{features}。",
  "alert.unknown": "未知：{features}。",
  "alert.working": "正常：{features}。",
  "alert.instead": "替代选择：{services}。",
  "alert.waysAround": "翻墙方法：{services}。",
  "alert.item": "{service}（{details}）",
  "alert.detailSeparator": "，",
  "alert.more": "详情：{command}",

  "digest.title": "每日摘要：状态变化",
  "digest.change": "{service}在{place}：{from} → {to}（{since}）",
  "digest.first": "{service}在{place}：{to}（{since}）",
  "digest.earlier": "更早的变化未显示：{count}条。",
  "digest.more": "详情请用 /status 加服务名，例如 {command}。你的订阅：/subscriptions",
};
