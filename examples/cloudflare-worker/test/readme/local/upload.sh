curl -s -X POST http://127.0.0.1:8787/_sluice/uploads \
  -H "x-api-key: sk-sluice-change-me" -H "content-type: application/json" -d '{"filename":"contract.pdf"}'
