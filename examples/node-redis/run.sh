redis-server --daemonize yes          # or: docker run -d -p 6379:6379 valkey/valkey
cp .env.example .env                  # then fill in your provider keys and client keys
npm install
PORT=8787 npm start &                 # one process per core, each on its own port
PORT=8788 npm start &                 # behind your load balancer
