import { deadline } from "../core/deadline.js";
import type { TcpConnect } from "../model/measurement.js";
import { classifyFailure, ProbeFailure } from "./failures.js";
import type { Connection } from "./network.js";
import type { ProbeContext } from "./stage.js";

// A TCP connect to one address, from the vantage's source address. Refused (RST to the SYN), reset and
// timeout (SYN unanswered) are different failures: a censor that drops and one that resets leave
// different traces.

export interface TcpOptions {
  ip: string;
  port: number;
  localAddress?: string;
  timeoutMs: number;
  /**
   * After connecting, how long to watch an idle connection for the peer's reset or close, within the
   * stage's timeout. For `tcp://` endpoints nothing else is sent, and a censor that lets the handshake
   * through and resets right after (as the GFW does to some addresses) would otherwise look like
   * success. 0 (the default) returns as soon as the handshake completes.
   */
  settleMs?: number;
}

export interface TcpResult {
  record: TcpConnect;
  /** The open connection when the connect succeeded; the caller owns it and must end it. */
  connection: Connection | null;
}

/** Resolves when the peer resets or closes `connection`, or when `ms` pass or `signal` fires, whichever is first. */
function watchIdle(connection: Connection, ms: number, signal: AbortSignal): Promise<Error | null> {
  return new Promise((resolve) => {
    const quiet = deadline(ms, signal);
    const finish = (outcome: Error | null) => {
      quiet.dispose();
      quiet.signal.removeEventListener("abort", onQuiet);
      connection.off("error", onError);
      connection.off("end", onEnd);
      connection.off("close", onEnd);
      resolve(outcome);
    };
    const onQuiet = () => finish(null);
    const onError = (error: Error) => finish(error);
    const onEnd = () => finish(new ProbeFailure("eof_error", "the peer closed the connection"));
    connection.once("error", onError);
    connection.once("end", onEnd);
    connection.once("close", onEnd);
    if (quiet.signal.aborted) finish(null);
    else quiet.signal.addEventListener("abort", onQuiet, { once: true });
  });
}

/** One connect; never throws for network failures. */
export async function measureTcpConnect(context: ProbeContext, options: TcpOptions): Promise<TcpResult> {
  const stage = deadline(options.timeoutMs, context.signal);
  try {
    return await connectAndSettle(context, options, stage.signal);
  } finally {
    stage.dispose();
  }
}

async function connectAndSettle(
  context: ProbeContext,
  options: TcpOptions,
  signal: AbortSignal,
): Promise<TcpResult> {
  const t0 = context.clock.elapsed();
  const record = (failure: string | null): TcpConnect => ({
    ip: options.ip,
    port: options.port,
    status: { success: failure === null, failure, blocked: null },
    t0,
    t: context.clock.elapsed(),
  });
  let connection: Connection;
  try {
    connection = await context.network.dial({
      ip: options.ip,
      port: options.port,
      ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
      signal,
    });
  } catch (error) {
    return { record: record(classifyFailure(error)), connection: null };
  }
  if (options.settleMs !== undefined && options.settleMs > 0) {
    const broken = await watchIdle(connection, options.settleMs, signal);
    if (broken !== null) {
      connection.destroy();
      return { record: record(classifyFailure(broken)), connection: null };
    }
  }
  return { record: record(null), connection };
}
