import Anthropic from "@anthropic-ai/sdk";
import { FAKE_KEYS, startFakeUpstream } from "@sluice/fake-upstream";

const fake = await startFakeUpstream(); // { port?: 0, host?: "127.0.0.1", keys?, maxRecords? }
const anthropic = new Anthropic({ apiKey: FAKE_KEYS.anthropic, baseURL: fake.baseUrls.anthropic });
// In a test, run the gateway against fake.baseUrls; here the SDK calls the fake directly.
const message = await anthropic.messages.create({
  model: "claude-sonnet-4-6",
  max_tokens: 64,
  messages: [{ role: "user", content: "Hello" }],
});
await fake.waitForRecord((r) => r.completed);
console.log(message.content, fake.stats());
fake.reset();
await fake.close();
