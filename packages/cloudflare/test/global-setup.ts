// Node side: starts the fake upstream (the only stand-in: LLM providers) and hands its URLs to the Worker.
import { FAKE_KEYS, startFakeUpstream, startKeyEcho } from "@sluice/fake-upstream";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    fakeBaseUrls: Record<string, string>;
    fakeUrl: string;
    fakeKeys: Record<string, string>;
    /** A hostile upstream quoting the key it was sent everywhere (secret-hygiene tests). */
    echoUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const fake = await startFakeUpstream();
  project.provide("fakeBaseUrls", { ...fake.baseUrls });
  project.provide("fakeUrl", fake.url);
  project.provide("fakeKeys", { ...FAKE_KEYS } as unknown as Record<string, string>);
  const echo = await startKeyEcho();
  project.provide("echoUrl", echo.url);
  return async () => {
    await echo.close();
    await fake.close();
  };
}
