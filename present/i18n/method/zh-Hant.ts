import type { MethodMessages } from "./index.js";

export const methodZhHant: MethodMessages = {
  "method.control":
    "判斷依據：{place}境內探測點的結果與一個未受審查的對照網路作了比較，藉此區分封鎖與服務中斷。/about",
  "method.direct":
    "判斷依據：{place}境內的探測點直接連上了該服務（連線成功或有效的 TLS 連線），這一點無需對照網路。/about",
  "method.positive":
    "判斷依據：在{place}觀察到審查的直接證據（如偽造的 DNS 回應或已知的封鎖頁面），沒有對照網路參與。/about",
  "method.noControl":
    "判斷依據：{place}境內的探測點連不上它，而沒有對照網路可比，無法區分封鎖與服務中斷。/about",
  "method.undecided": "判斷依據：{place}的探測點無法判斷（離線或結果不一致）。/about",
  "method.measured": "判斷依據：由{place}境內的探測點測量。/about",
  "method.history":
    "判斷依據：沒有來自{place}境內的最新測量；這是有日期、有來源的報導中的最後已知狀態。/about",
  "method.historyUndecided":
    "判斷依據：我們在{place}的最近一次測量（{date}）無法判斷，因此這是有日期、有來源的報導中的最後已知狀態。/about",
  "method.none": "判斷依據：{place}沒有測量，也沒有歷史紀錄，所以我們說「未知」，而不去猜測。/about",
};
