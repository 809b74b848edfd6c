import type { AlertMessages } from "./index.js";

export const alertsZhHant: AlertMessages = {
  "alert.headline": "{service}在{place}的狀態變為：{status}",
  "alert.when": "{headline}（自{since}起）",
  "alert.before": "此前：{status}。",
  "alert.beforeHistory": "此前：{status}，即自{since}起的最後已知狀態，來自有日期的報導（{source}）。",
  "alert.blocked": "遭封鎖：{features}。",
  "alert.down": "各地皆無法使用：{features}。",
  "alert.unknown": "未知：{features}。",
  "alert.working": "正常：{features}。",
  "alert.instead": "替代選擇：{services}。",
  "alert.waysAround": "翻牆方法：{services}。",
  "alert.item": "{service}（{details}）",
  "alert.detailSeparator": "，",
  "alert.more": "詳情：{command}",

  "digest.title": "每日摘要：狀態變化",
  "digest.change": "{service}在{place}：{from} → {to}（{since}）",
  "digest.first": "{service}在{place}：{to}（{since}）",
  "digest.earlier": "較早的變化未顯示：{count}則。",
  "digest.more": "詳情請用 /status 加服務名稱，例如 {command}。你的訂閱：/subscriptions",
};
