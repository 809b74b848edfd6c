import { once } from "node:events";
import { createServer, type Socket } from "node:net";

// TCP listeners on loopback that accept, reset or close, decided per connecting address (the vantage's
// localAddress), and a refused port. A reset after accept is what a censor that lets the handshake
// through and then injects RST looks like; a refused port is an RST to the SYN.

/**
 * - `accept`: keep the connection open and say nothing (the caller may speak);
 * - `reset`: RST right after the handshake;
 * - `close`: FIN right after the handshake.
 */
export type TcpBehaviour = "accept" | "reset" | "close";

export interface TcpServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** One behaviour for everyone, or one per connecting address. */
  behaviour: TcpBehaviour | ((remoteAddress: string) => TcpBehaviour);
  /** Reset or close this long after accepting instead of at once (a connection that dies while idle). */
  delayMs?: number;
}

export interface LabTcpServer {
  host: string;
  port: number;
  /** Connecting addresses, in order. */
  accepted: string[];
  close(): Promise<void>;
}

export async function startTcpServer(options: TcpServerOptions): Promise<LabTcpServer> {
  const host = options.host ?? "127.0.0.1";
  const decide =
    typeof options.behaviour === "function" ? options.behaviour : () => options.behaviour as TcpBehaviour;
  const accepted: string[] = [];
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    const remote = socket.remoteAddress ?? "";
    accepted.push(remote);
    socket.on("error", () => {});
    const behaviour = decide(remote);
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    const act = () => {
      if (behaviour === "reset") socket.resetAndDestroy();
      if (behaviour === "close") socket.end();
    };
    if (options.delayMs === undefined) act();
    else setTimeout(act, options.delayMs).unref();
  });
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("TCP server has no port");
  return {
    host,
    port: address.port,
    accepted,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise((done) => server.close(done));
    },
  };
}

/** A port on `host` that nothing listens on: connecting to it is refused. */
export async function refusedPort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, "listening");
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === "string") throw new Error("TCP server has no port");
  return address.port;
}
