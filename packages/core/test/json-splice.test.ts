import { describe, expect, it } from "vitest";
import { replaceTopLevelString } from "../src/util/json-splice.js";

describe("replaceTopLevelString", () => {
  it("changes only the model's value and keeps every other byte", () => {
    const source = `{ "max_tokens" : 5,\n\t"messages":[{"role":"user","content":"model \\"x\\" ü","model":"inner"}],  "model" :"fast" , "stream":true}`;
    const out = replaceTopLevelString(source, "model", "claude-haiku-4-5");
    expect(out).toBe(source.replace(`"model" :"fast"`, `"model" :"claude-haiku-4-5"`));
  });

  it("skips nested objects, arrays, numbers, literals and escaped quotes before the key", () => {
    const source = `{"a":{"model":"no"},"b":[1,{"model":"no"}],"c":-1.5e3,"d":null,"e":"say \\"model\\"","model":"yes"}`;
    expect(JSON.parse(replaceTopLevelString(source, "model", "new")!)).toEqual({
      ...JSON.parse(source),
      model: "new",
    });
  });

  it("answers undefined when the key is not at the top level", () => {
    expect(replaceTopLevelString(`{"messages":[{"model":"x"}]}`, "model", "y")).toBeUndefined();
  });

  it("escapes the new value", () => {
    const out = replaceTopLevelString(`{"model":"a"}`, "model", 'we"ird');
    expect(JSON.parse(out!)).toEqual({ model: 'we"ird' });
  });
});
