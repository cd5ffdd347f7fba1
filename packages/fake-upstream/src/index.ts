// Public API of @sluice/fake-upstream.
export { startFakeUpstream } from "./server.js";
export type { BaseUrls, FakeUpstream, FakeUpstreamOptions } from "./server.js";
export { FAKE_KEYS } from "./keys.js";
export type { FakeKeys } from "./keys.js";
export type { FakeRecord, FakeStats, ProviderName } from "./record.js";
export { DEFAULT_EVENTS, REPLY_SENTENCE, TOKENS_PER_EVENT, replyText, splitReply } from "./content.js";
export { parseFaultHeader } from "./faults.js";
export type { Faults } from "./faults.js";
export { startKeyEcho, type EchoRecord, type KeyEcho } from "./echo.js";
