// Provider-shaped identifiers (msg_…, chatcmpl-…, req_…) derived from the record id, so a replay of
// the same test sequence yields the same ids while each still looks like the real thing.
import { createHash } from "node:crypto";

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const B32 = "0123456789abcdefghjkmnpqrstvwxyz";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function bytes(seed: string): Buffer {
  return createHash("sha256").update(seed).digest();
}

function fromAlphabet(seed: string, alphabet: string, length: number): string {
  const b = length <= 32 ? bytes(seed) : Buffer.concat([bytes(seed), bytes(`${seed}#2`)]);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[b[i % b.length]! % alphabet.length];
  return out;
}

export const hex = (seed: string, length: number): string => bytes(seed).toString("hex").slice(0, length);

export const ids = {
  anthropicMessage: (seq: number) => `msg_01${fromAlphabet(`msg${seq}`, B58, 22)}`,
  anthropicRequest: (seq: number) => `req_011C${fromAlphabet(`req${seq}`, B58, 20)}`,
  anthropicOrg: () => "8c5f3b1e-0d6a-4c2e-9b7f-fa4e1d2c3b5a",
  openaiChat: (seq: number) => `chatcmpl-${fromAlphabet(`cc${seq}`, B64URL.slice(0, 62), 29)}`,
  openaiResponse: (seq: number) => `resp_${hex(`resp${seq}`, 50)}`,
  openaiMessage: (seq: number) => `msg_${hex(`rmsg${seq}`, 50)}`,
  openaiRequest: (seq: number) => `req_${hex(`oreq${seq}`, 32)}`,
  uuid: (seed: string) => {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  },
  groqRequest: (seq: number) => `req_01${fromAlphabet(`greq${seq}`, B32, 24)}`,
  fingerprint: (seed: string) => `fp_${hex(seed, 10)}`,
  geminiResponse: (seq: number) => fromAlphabet(`gresp${seq}`, B64URL.slice(0, 62), 23),
  obfuscation: (seed: string) => fromAlphabet(seed, B64URL.slice(0, 62), 3 + (bytes(seed)[0]! % 12)),
};
