wrangler secret put ANTHROPIC_API_KEY      # provider keys: secrets, never vars
wrangler secret put SLUICE_KEYS            # comma-separated client keys
wrangler secret put SLUICE_ADMIN_KEY       # unlocks /_sluice/keys and /_sluice/usage
wrangler secret put R2_ACCESS_KEY_ID       # an R2 API token, for uploads: true
wrangler secret put R2_SECRET_ACCESS_KEY
