// Every error the project raises on purpose is an IsblockedError: what went wrong in one line (`headline`),
// the problems behind it, each named where it is (a variable, a file and a path, an argument), the exit
// code a command ends with, and the error underneath as `cause`. The command line reports any of them the
// same way (cli/main.ts); logs carry `message`, which holds the headline and every problem.

/** One thing wrong, named where it is. */
export interface Problem {
  /** Where: `STORE_URL`, `kb/events/CN.yaml`, `agents.2.key`, `--country`. */
  where: string;
  message: string;
  /** A stable name for the kind of problem, where there is one (`KbDuplicateAlias`). */
  code?: string;
}

/** 1: a failure (bad configuration, invalid data, a store that does not answer); 2: wrong usage. */
export type ExitCode = 1 | 2;

export interface IsblockedErrorOptions extends ErrorOptions {
  problems?: readonly Problem[];
  exitCode?: ExitCode;
}

export function describeProblem(p: Problem): string {
  return `${p.code ? `${p.code} ` : ""}${p.where}: ${p.message}`;
}

export class IsblockedError extends Error {
  override name = "IsblockedError";
  readonly headline: string;
  readonly problems: readonly Problem[];
  readonly exitCode: ExitCode;

  constructor(headline: string, options: IsblockedErrorOptions = {}) {
    const problems = options.problems ?? [];
    super(
      problems.length === 0
        ? headline
        : `${headline}\n${problems.map((p) => `  ${describeProblem(p)}`).join("\n")}`,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.headline = headline;
    this.problems = problems;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** An error's own message, without its stack: what one line of a log or a refusal says. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
