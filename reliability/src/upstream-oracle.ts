/**
 * What the upstream may receive from Sluice, judged from the fake upstream's own records: the configured
 * host, a path the provider's allow-list names (no encoded separator smuggling a second one in), the
 * operator's key as the only credential, and none of the client's identity, hop-by-hop or account headers.
 */
import { PROVIDERS, type ProviderName } from "@sluice/core";
import { FAKE_KEYS, type FakeRecord } from "@sluice/fake-upstream";

/** Headers that must never cross to a provider, whatever the client sent. */
const NEVER_FORWARDED = [
  "cookie",
  "origin",
  "referer",
  "expect",
  "forwarded",
  "x-forwarded-for",
  "x-real-ip",
  "openai-organization",
  "openai-project",
  "x-goog-user-project",
  "proxy-authorization",
  "x-sluice-failure",
];
const CREDENTIAL_HEADERS = ["authorization", "x-api-key", "x-goog-api-key"];

/** Why this record should not exist, or undefined when the upstream received only what it may. */
export function upstreamProblem(record: FakeRecord, host: string, clientKey: string): string | undefined {
  const provider = record.provider as ProviderName;
  const spec = PROVIDERS[provider];
  if (record.headers.host !== host) return `host ${record.headers.host} (expected ${host})`;
  if (/%(?:25)*(?:2f|5c)|\\/i.test(record.path)) return `encoded separator in ${record.path}`;
  const rest = record.path.slice(`/${provider}`.length);
  if (!rest.startsWith(spec.basePath)) return `path ${record.path} outside the provider's base path`;
  const upstreamPath = rest.slice(spec.basePath.length);
  const named = spec.endpoints.some((e) => e.method === record.method && e.pattern.test(upstreamPath));
  if (!named) return `${record.method} ${record.path} is not on ${provider}'s allow-list`;
  for (const name of NEVER_FORWARDED) if (name in record.headers) return `forwarded ${name}`;
  const sent = CREDENTIAL_HEADERS.filter((name) => name in record.headers);
  if (sent.length !== 1) return `credential headers ${sent.join(", ") || "none"}`;
  const credential = record.headers[sent[0]!]!.replace(/^Bearer /, "");
  if (credential !== FAKE_KEYS[provider]) return `credential is not the operator's ${provider} key`;
  const everything = `${record.path} ${JSON.stringify(record.query)} ${JSON.stringify(record.headers)}`;
  if (everything.includes(clientKey)) return "the client's key reached the upstream";
  return undefined;
}
