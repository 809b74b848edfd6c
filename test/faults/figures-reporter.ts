import type { Reporter, TestCase } from "vitest/node";

// The cases of test/faults/ print their own figures (`fault <name>: ...`). The faults other suites already
// prove are referenced by vitest.faults.config.ts rather than written twice; this prints one line for each
// of their cases, with its outcome and duration, so the run shows a figure for every fault.
export default class FaultFiguresReporter implements Reporter {
  onTestCaseResult(testCase: TestCase): void {
    const file = testCase.module.relativeModuleId;
    if (file.startsWith("test/faults/")) return;
    const state = testCase.result().state;
    const ms = Math.round(testCase.diagnostic()?.duration ?? 0);
    process.stdout.write(`fault ${file} › ${testCase.fullName}: ${state}, ${ms} ms\n`);
  }
}
