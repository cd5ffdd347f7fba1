// POST /_sluice/uploads in workerd: client-key authentication, a pre-signed R2 PUT URL for a key under the
// caller's own prefix, and that key readable by hydration for that caller only.
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { createHandler, type UploadTicket } from "../src/index.js";
import { claude, gateway, recordsWith } from "./features-helpers.js";

describe("uploads: POST /_sluice/uploads", () => {
  test("answers { key, ref, url, expiresAt } with a short-lived signed PUT URL under uploads/<key id>/", async () => {
    const { call } = gateway({ uploads: true });
    const before = Date.now();
    const result = await call("/_sluice/uploads", { json: { filename: "report 2026.pdf", expiresIn: 120 } });
    expect(result.status, result.text).toBe(200);
    const ticket = JSON.parse(result.text) as UploadTicket;
    expect(ticket.key).toMatch(/^uploads\/key_[0-9a-f]{12}\/[0-9a-f-]{36}\/report_2026\.pdf$/);
    expect(ticket.ref).toBe(`sluice-object://${ticket.key}`);
    expect(ticket.method).toBe("PUT");
    const url = new URL(ticket.url);
    expect(url.host).toBe(`${env.R2_ACCOUNT_ID}.r2.cloudflarestorage.com`);
    expect(url.pathname).toBe(`/${env.R2_BUCKET_NAME}/${ticket.key}`);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("120");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    const expires = Date.parse(ticket.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 120_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 120_000);
    expect(result.text).not.toContain(env.R2_SECRET_ACCESS_KEY);
  });

  test("the default lifetime is 300 s and a client cannot ask for more than the maximum", async () => {
    const { call } = gateway({ uploads: { maxExpiresInSeconds: 600 } });
    const plain = JSON.parse((await call("/_sluice/uploads", {})).text) as UploadTicket;
    expect(new URL(plain.url).searchParams.get("X-Amz-Expires")).toBe("300");
    const greedy = JSON.parse((await call("/_sluice/uploads", { json: { expiresIn: 86_400 } })).text);
    expect(new URL(greedy.url).searchParams.get("X-Amz-Expires")).toBe("600");
  });

  test("refuses unknown or missing keys (401) and other methods (405)", async () => {
    const { call } = gateway({ uploads: true });
    expect((await call("/_sluice/uploads", { key: "sk-not-a-key" })).status).toBe(401);
    const { handler, env: testEnv } = gateway({ uploads: true });
    const bare = await handler(
      new Request("https://sluice.test/_sluice/uploads", { method: "POST" }),
      testEnv,
      createExecutionContext(),
    );
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: { type: string } }).error.type).toBe("unauthorized");
    expect((await call("/_sluice/uploads", { method: "GET" })).status).toBe(405);
  });

  test("an uploaded object is hydrated for its owner and refused to another key", async () => {
    const owner = gateway({ uploads: true, hydrate: true });
    const ticket = JSON.parse((await owner.call("/_sluice/uploads", {})).text) as UploadTicket;
    // The S3 endpoint does not exist locally: write where the signed PUT would have, through the binding.
    const marker = crypto.randomUUID();
    await env.OBJECTS.put(ticket.key, `uploaded ${marker}`, { httpMetadata: { contentType: "text/plain" } });
    const mine = await owner.call("/anthropic/v1/messages", {
      json: claude([{ type: "text", text: ticket.ref }]),
    });
    expect(mine.status, mine.text).toBe(200);
    expect(await recordsWith(`uploaded ${marker}`)).toHaveLength(1);
    const other = gateway({ hydrate: true });
    const theirs = await other.call("/anthropic/v1/messages", {
      json: claude([{ type: "text", text: ticket.ref }]),
    });
    expect(theirs.status).toBe(403);
  });

  test("without the R2 API token secrets, a 503 that names them (and no crash)", async () => {
    const { call } = gateway(
      { uploads: true },
      { R2_ACCESS_KEY_ID: undefined, R2_SECRET_ACCESS_KEY: undefined },
    );
    const result = await call("/_sluice/uploads", {});
    expect(result.status).toBe(503);
    expect(JSON.parse(result.text).error.message).toContain("R2_ACCESS_KEY_ID");
  });

  test("uploads without the R2 signing settings is a configuration error naming them", async () => {
    const handler = createHandler({ uploads: true });
    const response = await handler(
      new Request("https://sluice.test/_sluice/uploads", { method: "POST" }),
      { ...env, R2_ACCOUNT_ID: undefined },
      createExecutionContext(),
    );
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toContain("R2_ACCOUNT_ID");
    expect(text).not.toContain(env.R2_SECRET_ACCESS_KEY);
  });
});
