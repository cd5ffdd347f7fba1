/** Shared by the contract tests: which cases of a suite a deliberately broken port fails. */
import { type ContractCase, ContractFailure } from "../src/testing/index.js";

/** Runs every case; returns the names of those that failed with a ContractFailure (others rethrow). */
export async function failedCases(cases: ContractCase[]): Promise<string[]> {
  const failed: string[] = [];
  for (const c of cases) {
    try {
      await c.run();
    } catch (error) {
      if (!(error instanceof ContractFailure)) throw error;
      failed.push(c.name);
    }
  }
  return failed;
}
