curl -s http://127.0.0.1:8787/healthz
curl -s http://127.0.0.1:8787/anthropic/v1/messages \
  -H "x-api-key: sk-sluice-change-me" -H "anthropic-version: 2023-06-01" -H "content-type: application/json" \
  -d '{"model":"claude-sonnet-4-6","max_tokens":64,"messages":[{"role":"user","content":"Hello"}]}'
curl -s -N http://127.0.0.1:8787/openai/v1/chat/completions \
  -H "authorization: Bearer sk-sluice-change-me" -H "content-type: application/json" \
  -d '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello"}]}'
