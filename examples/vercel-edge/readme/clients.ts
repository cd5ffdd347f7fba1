// clients.ts: your app's SDK clients, pointed at the deployment with a Sluice key
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";

export const anthropic = new Anthropic({
  apiKey: "<a SLUICE_KEYS key>",
  baseURL: "https://<project>.vercel.app/api/anthropic",
});
export const openai = new OpenAI({
  apiKey: "<a SLUICE_KEYS key>",
  baseURL: "https://<project>.vercel.app/api/openai/v1",
});
