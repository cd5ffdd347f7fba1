/** Object keys are one literal path: traversal, encodings and odd separators are refused before any prefix check. */
import { describe, expect, it } from "vitest";
import { objectKeyProblem } from "../src/adapter/index.js";

describe("objectKeyProblem", () => {
  it.each([
    "uploads/key_a/../key_b/secret.txt",
    "shared/../requests/2026-12-05.jsonl",
    "uploads/key_a/%2e%2e/key_b/x",
    "uploads/key_a/%2E%2E%2Fkey_b/x",
    "uploads/key_a%2F..%2Fkey_b/x",
    "uploads/key_a/%252e%252e/key_b/x",
    "uploads\\key_b\\x",
    "uploads/key_a/..\\key_b/x",
    "uploads//key_a/x",
    "/uploads/key_a/x",
    "uploads/key_a/x/",
    "uploads/key_a/./x",
    "uploads/key_a/\u0000/x",
    "",
  ])("refuses %j", (key) => {
    expect(objectKeyProblem(key)).toBeTypeOf("string");
  });

  it.each([
    "uploads/key_a/3f2a-report.txt",
    "shared/handbook v2.pdf",
    "uploads/key_a/100%25 done.txt",
    "a..b/c.d",
  ])("accepts %j", (key) => {
    expect(objectKeyProblem(key)).toBeUndefined();
  });
});
