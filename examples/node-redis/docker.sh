docker build -t sluice-node .
docker run --env-file .env -e REDIS_URL=redis://host.docker.internal:6379 -p 8787:8787 sluice-node
