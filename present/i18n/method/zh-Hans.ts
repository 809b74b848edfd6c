import type { MethodMessages } from "./index.js";

export const methodZhHans: MethodMessages = {
  "method.control":
    "判断依据：{place}境内探测点的结果与一个未受审查的对照网络作了比较，借此区分封锁与故障。/about",
  "method.direct":
    "判断依据：{place}境内的探测点直接连上了该服务（连接成功或有效的 TLS 会话），这一点无需对照网络。/about",
  "method.positive":
    "判断依据：在{place}观察到审查的直接证据（如伪造的 DNS 应答或已知的封锁页面），没有对照网络参与。/about",
  "method.noControl": "判断依据：{place}境内的探测点连不上它，而没有对照网络可比，无法区分封锁与故障。/about",
  "method.undecided": "判断依据：{place}的探测点无法判断（离线或结果不一致）。/about",
  "method.measured": "判断依据：由{place}境内的探测点测量。/about",
  "method.history":
    "判断依据：没有来自{place}境内的最新测量；这是有日期、有来源的报道中的最后已知状态。/about",
  "method.historyUndecided":
    "判断依据：我们在{place}的最近一次测量（{date}）无法判断，因此这是有日期、有来源的报道中的最后已知状态。/about",
  "method.none": "判断依据：{place}没有测量，也没有历史记录，所以我们说“未知”，而不去猜测。/about",
};
