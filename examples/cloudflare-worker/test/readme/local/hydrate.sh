curl -s http://127.0.0.1:8787/anthropic/v1/messages \
  -H "x-api-key: sk-sluice-change-me" -H "anthropic-version: 2023-06-01" -H "content-type: application/json" \
  -d '{"model":"claude-sonnet-4-6","max_tokens":64,"messages":[{"role":"user","content":[
        {"type":"document","source":{"type":"text","media_type":"text/plain","data":"sluice-object://shared/policy.txt"}},
        {"type":"text","text":"What is the refund policy?"}]}]}'
