// The baseline Worker: forwards the bytes with fetch, swapping the key. Nothing else.
export default {
  fetch(request, env) {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    // /openai/v1/...: the long-stream section's OpenAI rows; everything else is Anthropic.
    const openai = url.pathname.startsWith("/openai/v1/");
    if (openai) headers.set("authorization", `Bearer ${env.OPENAI_API_KEY}`);
    else headers.set("x-api-key", env.ANTHROPIC_API_KEY);
    const upstream = openai
      ? env.OPENAI_BASE_URL + url.pathname.slice("/openai/v1".length)
      : env.ANTHROPIC_BASE_URL + url.pathname.replace(/^\/anthropic/, "");
    return fetch(upstream, {
      method: request.method,
      headers,
      body: request.body,
    });
  },
};
