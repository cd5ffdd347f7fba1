printf 'Our refund policy: 30 days, no questions asked.\n' > policy.txt
pnpm exec wrangler r2 object put sluice-objects/shared/policy.txt --file policy.txt --content-type text/plain --local
