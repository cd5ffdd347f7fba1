/** Tiny assertions so the contract suites run under any test runner (vitest, Deno.test, node:test). */
export class ContractFailure extends Error {
  override name = "ContractFailure";
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ContractFailure(message);
}

export function equal<T>(actual: T, expected: T, message: string): void {
  if (!Object.is(actual, expected)) {
    throw new ContractFailure(
      `${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
    );
  }
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A key no earlier run used, so suites can run against persistent stores. */
export const freshKey = (label: string) =>
  `contract:${label}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 10)}`;

/** One named check of a contract; register it with your runner: `for (const c of cases) test(c.name, c.run)`. */
export interface ContractCase {
  name: string;
  run: () => Promise<void>;
}
