/** Cost from usage by hand: 5-minute and 1-hour cache writes priced apart, cache reads, overrides. */
import { describe, expect, it } from "vitest";
import { DEFAULT_PRICING, costOf } from "../src/index.js";
import { readAnthropicUsage } from "../src/providers/builtin/anthropic.js";
import { emptyUsage } from "../src/stream/usage.js";

describe("costOf", () => {
  it("prices Anthropic's 1-hour writes at the 1-hour rate, read from cache_creation (whole message)", () => {
    // https://docs.claude.com/en/docs/build-with-claude/prompt-caching (usage.cache_creation)
    const usage = emptyUsage();
    readAnthropicUsage(
      {
        type: "message",
        usage: {
          input_tokens: 10,
          cache_creation_input_tokens: 400,
          cache_read_input_tokens: 1000,
          cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 300 },
          output_tokens: 20,
        },
      },
      usage,
    );
    expect(usage).toMatchObject({ cacheWriteTokens: 400, cacheWrite1hTokens: 300 });
    // claude-opus-4-6: $5 in, $6.25 5m write, $10 1h write, $0.50 read, $25 out.
    const hand = (10 * 5 + 100 * 6.25 + 300 * 10 + 1000 * 0.5 + 20 * 25) / 1e6;
    expect(costOf(DEFAULT_PRICING, "claude-opus-4-6", usage)).toBeCloseTo(hand, 15);
  });

  it("keeps the 1-hour split across a stream whose message_delta repeats totals without it", () => {
    const usage = emptyUsage();
    readAnthropicUsage(
      {
        type: "message_start",
        message: {
          usage: {
            input_tokens: 5,
            cache_creation_input_tokens: 200,
            cache_read_input_tokens: 0,
            cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 200 },
            output_tokens: 1,
          },
        },
      },
      usage,
    );
    readAnthropicUsage(
      {
        type: "message_delta",
        usage: { input_tokens: 5, cache_creation_input_tokens: 200, output_tokens: 40 },
      },
      usage,
    );
    // claude-haiku-4-5: $1 in, $2 1h write, $5 out.
    expect(costOf(DEFAULT_PRICING, "claude-haiku-4-5", usage)).toBeCloseTo(
      (5 * 1 + 200 * 2 + 40 * 5) / 1e6,
      15,
    );
  });

  it("prices Opus 4.1 at the old Opus rate and Opus 4.5 at the new one; an override wins", () => {
    const usage = { ...emptyUsage(), inputTokens: 1_000_000 };
    expect(costOf(DEFAULT_PRICING, "claude-opus-4-1-20250805", usage)).toBe(15);
    expect(costOf(DEFAULT_PRICING, "claude-opus-4-5-20251101", usage)).toBe(5);
    expect(
      costOf({ ...DEFAULT_PRICING, "claude-opus-4-5": { input: 1, output: 1 } }, "claude-opus-4-5", usage),
    ).toBe(1);
    expect(costOf(DEFAULT_PRICING, "unpriced-model", usage)).toBeUndefined();
  });

  it("prices exact ids and dated snapshots only: a longer name is not its prefix's model", () => {
    const usage = { ...emptyUsage(), inputTokens: 1_000_000 };
    for (const [model, price] of [
      ["o3", 2],
      ["o3-2025-04-16", 2],
      ["gpt-5", 1.25],
      ["gpt-4.1-2025-04-14", 2],
      ["gpt-4.1-mini", 0.4],
      ["claude-sonnet-4-5-20250929", 3],
      ["claude-3-5-haiku-latest", 0.8],
      ["gemini-2.5-flash-001", 0.3],
    ] as const) {
      expect(costOf(DEFAULT_PRICING, model, usage), model).toBe(price);
    }
    for (const model of [
      "o3-pro",
      "gpt-5-pro",
      "gpt-5-codex",
      "gpt-4.1-turbo",
      "gemini-2.5-flash-x",
      "o3-",
    ]) {
      expect(costOf(DEFAULT_PRICING, model, usage), model).toBeUndefined();
    }
  });
});

describe("costOf prints cleanly", () => {
  it("is rounded to whole pico-dollars, so float noise never reaches a metric line", () => {
    const table = { "noise-model": { input: 0.1, output: 0.3 } };
    const usage = { ...emptyUsage(), inputTokens: 1, outputTokens: 1 };
    expect((0.1 + 0.3) / 1e6).toBe(4.0000000000000003e-7); // the noise this guards against
    expect(costOf(table, "noise-model", usage)).toBe(4e-7);
    expect(JSON.stringify({ costUsd: costOf(table, "noise-model", usage) })).toBe('{"costUsd":4e-7}');
  });
});
