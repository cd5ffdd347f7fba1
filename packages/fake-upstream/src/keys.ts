// Default credentials. They look like each provider's real key format so a gateway's key-shape
// checks (if any) pass, but can never be mistaken for live keys.
import type { ProviderName } from "./record.js";

export const FAKE_KEYS = {
  anthropic: "sk-ant-fake-upstream-0001",
  openai: "sk-fake-openai-0001",
  gemini: "AIzaFakeGeminiKey0001",
  groq: "gsk_fake0001",
  cerebras: "csk-fake0001",
} as const satisfies Record<ProviderName, string>;

export type FakeKeys = Partial<Record<ProviderName, string | string[]>>;

/** Per provider, the keys given in options replace the default; others keep FAKE_KEYS. */
export function resolveKeys(keys: FakeKeys | undefined): Record<ProviderName, readonly string[]> {
  const out = {} as Record<ProviderName, readonly string[]>;
  for (const name of Object.keys(FAKE_KEYS) as ProviderName[]) {
    const given = keys?.[name];
    out[name] = given === undefined ? [FAKE_KEYS[name]] : Array.isArray(given) ? given : [given];
  }
  return out;
}
