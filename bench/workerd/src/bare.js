// The baseline Worker: forwards the bytes with fetch, swapping the key. Nothing else.
export default {
  fetch(request, env) {
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    headers.set("x-api-key", env.ANTHROPIC_API_KEY);
    return fetch(env.ANTHROPIC_BASE_URL + url.pathname.replace(/^\/anthropic/, ""), {
      method: request.method,
      headers,
      body: request.body,
    });
  },
};
