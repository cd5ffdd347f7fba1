import type { SecretsPort } from "../ports/secrets.js";
import { type ContractCase, equal } from "./assert.js";

/** What every secrets port must do: set names give their value, unset names give undefined. */
export function secretsContract(secrets: SecretsPort, known: Record<string, string>): ContractCase[] {
  return [
    {
      name: "secrets: known names give their values, unknown give undefined",
      async run() {
        for (const [name, value] of Object.entries(known))
          equal(await secrets.get(name), value, `secret ${name}`);
        equal(await secrets.get("SLUICE_CONTRACT_SURELY_UNSET"), undefined, "an unset secret");
      },
    },
  ];
}
