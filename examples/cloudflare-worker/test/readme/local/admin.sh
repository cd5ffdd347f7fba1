curl -s http://127.0.0.1:8787/_sluice/keys -H "authorization: Bearer sk-sluice-admin-change-me" \
  -d '{"name":"team-a","budget":{"tokens":100000,"window":"day"}}'   # → {"key":"sk-sluice-…","record":{"id":"key_…"}}
curl -s "http://127.0.0.1:8787/_sluice/usage?key=key_…" -H "authorization: Bearer sk-sluice-admin-change-me"
curl -s -X DELETE http://127.0.0.1:8787/_sluice/keys/key_… -H "authorization: Bearer sk-sluice-admin-change-me"
