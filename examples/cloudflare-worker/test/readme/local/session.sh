curl -s -i http://127.0.0.1:8787/anthropic/v1/messages \
  -H "x-api-key: sk-sluice-change-me" -H "anthropic-version: 2023-06-01" -H "content-type: application/json" \
  -H "x-sluice-session: demo-1" \
  -d '{"model":"claude-sonnet-4-6","max_tokens":64,"messages":[{"role":"user","content":"And for sale items?"}]}'
