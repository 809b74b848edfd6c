import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../helpers.js";

// These run the real `isblocked` binary (built by the global setup) as a user would.
const bin = fileURLToPath(new URL("../../bin/isblocked.js", import.meta.url));
const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";

/** No probe cycle and no OONI: a test never sends a packet beyond loopback. */
const QUIET_ENV = {
  PATH: process.env.PATH ?? "",
  OONI_API_URL: "off",
  STORE_URL: "memory:",
  LOG_LEVEL: "warn",
  PROBE_SCHEDULE: "off",
  WEB_PORT: "0",
};

/** `isblocked start` running in a fresh folder, with QUIET_ENV and `env`. */
function spawnStart(env: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), "isblocked-cli-"));
  const child = spawn(process.execPath, [bin, "start"], { cwd, env: { ...QUIET_ENV, ...env } });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { cwd, child, exited };
}

function run(args: string[], env: Record<string, string> = {}, input?: string) {
  const cwd = mkdtempSync(join(tmpdir(), "isblocked-cli-"));
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    input,
    encoding: "utf8",
    env: { ...QUIET_ENV, ...env },
    // Generous: under a loaded CI machine a cold start of the CLI can take seconds.
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, cwd };
}

describe("isblocked CLI", () => {
  it("kb check passes on the shipped knowledge base", () => {
    const r = run(["kb", "check"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^knowledge base ok: \d+ services, \d+ endpoints, \d+ countries, \d+ regions, \d+ events\n( {2}[A-Z]{2}: \d+ events? \(\d+ in all five languages\), \d+\/\d+ services with events, (no )?caution\n)+$/,
    );
  });

  it("kb check fails with a named error on a broken knowledge base", () => {
    const dir = mkdtempSync(join(tmpdir(), "isblocked-kb-"));
    cpSync(fixturePath("kb-mini"), dir, { recursive: true });
    const file = join(dir, "services/chatapp.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("[safechat, openchat]", "[safechat, nochat]"));
    const r = run(["kb", "check", "--dir", dir, "--json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, problems: [{ code: "KbUnknownId" }] });
  });

  it("ask --json follows the contract", () => {
    const r = run(["ask", "is whatsapp blocked in china", "--json"]);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(Object.keys(answer)).toEqual(
      expect.arrayContaining([
        "understood",
        "service",
        "domain",
        "country",
        "region",
        "status",
        "since",
        "checkedAt",
        "features",
        "alternatives",
        "text",
      ]),
    );
    expect(answer).toMatchObject({ understood: true, service: "whatsapp", country: "CN", domain: null });
    expect(answer.text).toContain("WhatsApp");
  });

  it("ask uses --country when the question names none, and the question's country when it does", () => {
    expect(JSON.parse(run(["ask", "telegram", "--country", "ir", "--json"]).stdout).country).toBe("IR");
    expect(JSON.parse(run(["ask", "telegram in russia", "--country", "IR", "--json"]).stdout).country).toBe(
      "RU",
    );
  });

  it("ask says it did not understand, with suggestions", () => {
    const answer = JSON.parse(run(["ask", "is telegarm blocked", "--json"]).stdout);
    expect(answer.service).toBe("telegram");
    const unknown = JSON.parse(run(["ask", "is zzqx blocked", "--json"]).stdout);
    expect(unknown).toMatchObject({ understood: false, service: null });
    expect(Array.isArray(unknown.suggestions)).toBe(true);
  });

  it("creates the default SQLite store under ./data on first run", () => {
    const r = run(["ask", "whatsapp", "--json"], { STORE_URL: "" });
    expect(r.code).toBe(0);
    expect(existsSync(join(r.cwd, "data", "isblocked.sqlite"))).toBe(true);
  });

  it.each([
    [["ask"], 2, /ask needs a question/],
    [["frobnicate"], 2, /unknown command: frobnicate/],
    [["ask", "x", "--lang", "de"], 2, /--lang must be one of/],
    [["ask", "x", "--country", "ZZ"], 2, /--country ZZ is not a country/],
    [["probe", "--country", "ZZ", "--dry-run"], 2, /--country ZZ is not a country/],
  ])("%j exits %i with a clear message", (args, code, message) => {
    const r = run(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it.each([
    [
      ["ask"],
      'isblocked: ask needs a question, e.g. isblocked ask "is whatsapp blocked in china"\nSee: isblocked ask --help\n',
    ],
    [["frobnicate"], "isblocked: unknown command: frobnicate\nSee: isblocked help\n"],
    [["aks", "x"], "isblocked: unknown command: aks (did you mean ask?)\nSee: isblocked help\n"],
    [
      ["probe", "--service", "whatsap", "--dry-run"],
      "isblocked: --service whatsap is not a service in the knowledge base (did you mean whatsapp?)\nSee: isblocked probe --help\n",
    ],
    [["help", "prob"], "isblocked: no command prob (did you mean probe?)\nSee: isblocked help\n"],
  ])("%j: one line, then where that command's usage is", (args, stderr) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(stderr);
  });

  it("prints one command's usage for --help and for help COMMAND", () => {
    const help = run(["probe", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage:\n {2}isblocked probe \[--service id,\.\.\.\]/);
    expect(help.stdout).not.toContain("isblocked ask");
    expect(run(["help", "probe"]).stdout).toBe(help.stdout);
    expect(run(["help"]).stdout).toContain("isblocked agent --ingest URL");
  });

  it.each([
    [{ STORE_URL: "mysql://x" }, "STORE_URL"],
    [{ BOT_TOKEN: "nope" }, "BOT_TOKEN"],
    [{ DEFAULT_COUNTRY: "ZZ" }, "DEFAULT_COUNTRY"],
    [{ PROBE_SERVICES: "whatsapp,nosuchservice" }, "PROBE_SERVICES"],
    [{ STORE_NAMESPACE: "a b" }, "STORE_NAMESPACE"],
  ])("start refuses bad configuration %j naming the variable", (env, variable) => {
    const r = run(["start"], env, "");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(variable);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("a store that cannot be opened stops start-up with a clear message", () => {
    const r = run(["start"], { STORE_URL: "sqlite:///dev/null/isblocked.sqlite" }, "");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^isblocked: /);
  });

  it("start without BOT_TOKEN is a console chat that answers exactly as ask", () => {
    const question = "is whatsapp blocked in china";
    const asked = run(["ask", question]).stdout.trim();
    const chat = run(["start"], {}, `${question}\n/help\nexit\n`);
    expect(chat.code).toBe(0);
    expect(chat.stdout).toContain(asked);
    expect(chat.stdout).toContain("Ask in your own words");
  });

  it("never prints the bot token while Telegram is unreachable, says so once, and stops on SIGTERM", async () => {
    const { child, exited } = spawnStart({
      LOG_LEVEL: "debug",
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: "http://127.0.0.1:9",
    });
    let output = "";
    await new Promise<void>((resolve) => {
      const seen = (d: Buffer) => {
        output += d;
        if (output.includes("Telegram unreachable since")) resolve();
      };
      child.stdout.on("data", seen);
      child.stderr.on("data", seen);
    });
    // It keeps retrying rather than exiting; a stop still ends it cleanly.
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output.match(/Telegram unreachable since/g)).toHaveLength(1);
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(TOKEN.split(":")[1]);
  });

  it("stops with one line naming BOT_TOKEN when Telegram rejects the token", async () => {
    const { startBotApiServer } = await import("../support/bot-api-server.js");
    const telegram = await startBotApiServer("42:some-other-bot");
    try {
      const { child, exited } = spawnStart({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot });
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      expect(await exited).toBe(1);
      expect(stderr).toBe(
        "isblocked: BOT_TOKEN: Telegram rejected the token; check it with @BotFather (401: Unauthorized)\n",
      );
    } finally {
      await telegram.close();
    }
  });

  it("start serves the status API beside the console chat", async () => {
    const { cwd, child, exited } = spawnStart({ LOG_LEVEL: "info" });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    // The start line, on the chat's own output, names the page.
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no page in: ${stdout}`)), 15_000);
      child.stdout.on("data", (d) => {
        stdout += d;
        const match =
          /^isblocked: console chat · store memory: · page http:\/\/127\.0\.0\.1:(\d+)\/ · sources: the knowledge base's history · logs in data\/isblocked\.log$/m.exec(
            stdout,
          );
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/status?country=CN`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    expect(JSON.stringify(await response.json())).toContain("whatsapp");
    child.stdin.end("exit\n");
    expect(await exited).toBe(0);
    // Nothing logged into the chat's terminal: the log lines are in the file the start line named.
    expect(stderr).toBe("");
    const logged = readFileSync(join(cwd, "data", "isblocked.log"), "utf8")
      .trim()
      .split("\n");
    expect(logged.map((line) => JSON.parse(line).msg)).toEqual(
      expect.arrayContaining(["web server listening", "started", "stopping", "stopped"]),
    );
    expect(logged.filter((line) => line.includes('"web server listening"'))).toHaveLength(1);
  });
});
