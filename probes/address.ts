// Address helpers the measurers need without importing node:net (only network.ts touches the sockets).

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** 4 or 6 for an IP literal, 0 for anything else (a host name). */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (IPV4.test(text)) return 4;
  if (!text.includes(":") || !/^[0-9A-Fa-f:.]+$/.test(text)) return 0;
  try {
    new URL(`http://[${text}]/`);
    return 6;
  } catch {
    return 0;
  }
}

/** `ip:port`, IPv6 in brackets, as OONI writes addresses. */
export const joinHostPort = (ip: string, port: number): string =>
  ipFamily(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
