node ../../packages/fake-upstream/dist/cli.js --port 8788 &
pnpm exec wrangler dev --ip 127.0.0.1 --port 8787 \
  --var ANTHROPIC_BASE_URL:http://127.0.0.1:8788/anthropic \
  --var OPENAI_BASE_URL:http://127.0.0.1:8788/openai/v1
