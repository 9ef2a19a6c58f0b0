#!/usr/bin/env bash
# Runs chat_load against a fresh release callpyd: a temp data dir and config, an owner bootstrapped
# over the admin socket, a signed-in session and one site, then the four phases. Builds nothing:
#   cmake --preset release && cmake --build --preset release --target callpyd chat_load
# Extra arguments go to chat_load (e.g. --phases latency,max --seconds 5 --idle 5000).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${CALLPY_BUILD:-$ROOT/build/release}"
CALLPYD="$BUILD/daemon/callpyd"
LOADER="$BUILD/bench/chat_load/chat_load"
for bin in "$CALLPYD" "$LOADER"; do
  [[ -x "$bin" ]] || { echo "run.sh: $bin is missing; build the release preset first" >&2; exit 2; }
done

# Both processes inherit this; each socket is a descriptor on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "fd limit: $(ulimit -n) (hard $(ulimit -Hn)); ephemeral ports: $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range)"

DIR="$(mktemp -d /tmp/callpy-chatload-XXXXXX)"
DAEMON_PID=""
cleanup() {
  if [[ -n "$DAEMON_PID" ]] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    kill -TERM "$DAEMON_PID"
    wait "$DAEMON_PID" 2>/dev/null || true
  fi
  rm -rf "$DIR"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
WEB_ROOT="$ROOT/build/web"
[[ -d "$WEB_ROOT" ]] || { WEB_ROOT="$DIR/web"; mkdir -p "$WEB_ROOT"; }
SOCK="$DIR/admin.sock"
cat >"$DIR/callpyd.yaml" <<EOF
listen:
  http: 127.0.0.1:$PORT
public_url: http://127.0.0.1:$PORT
data_dir: $DIR/data
admin:
  socket: $SOCK
web_root: $WEB_ROOT
log:
  level: warning
EOF

"$CALLPYD" --config "$DIR/callpyd.yaml" 2>"$DIR/callpyd.log" &
DAEMON_PID=$!
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && [[ -S "$SOCK" ]]; then break; fi
  kill -0 "$DAEMON_PID" 2>/dev/null || { echo "callpyd exited:" >&2; cat "$DIR/callpyd.log" >&2; exit 1; }
  sleep 0.1
done

EMAIL=owner@bench.example
PASSWORD="$(curl -fsS --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\"}" http://localhost/api/admin/v1/bootstrap | jq -r .password)"
LOGIN_HEADERS="$DIR/login.headers"
CSRF="$(curl -fsS -D "$LOGIN_HEADERS" -X POST -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$PORT/api/panel/auth/login" | jq -r .csrf)"
COOKIE="$(grep -io 'callpy_session=[^;[:space:]]*' "$LOGIN_HEADERS" | head -n1)"
[[ -n "$COOKIE" && -n "$CSRF" ]] || { echo "run.sh: sign-in failed" >&2; exit 1; }
KEY="$(curl -fsS -X POST -H 'Content-Type: application/json' -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" \
  -d '{"name":"Load test shop","url":"https://bench.example"}' "http://127.0.0.1:$PORT/api/panel/sites" |
  jq -r .site.widget_key)"
[[ -n "$KEY" && "$KEY" != null ]] || { echo "run.sh: site creation failed" >&2; exit 1; }

echo "callpyd $CALLPYD pid $DAEMON_PID on port $PORT, data in $DIR"
set +e
"$LOADER" --url "ws://127.0.0.1:$PORT" --key "$KEY" --cookie "$COOKIE" --daemon-pid "$DAEMON_PID" \
  --idle 100000 --rate 5000 --seconds 10 --fanout-operators 200 --phases idle,latency,max,fanout "$@"
STATUS=$?
set -e
if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
  echo "callpyd died during the run:" >&2
  tail -n 30 "$DIR/callpyd.log" >&2
  exit 1
fi
# The server's own counts, to cross-check the generator's.
echo "callpyd /metrics:"
curl -fsS --unix-socket "$SOCK" http://localhost/metrics | grep -E '^callpy_ws_(frames_sent|messages_received|slow_consumer|protocol_errors|rejected|idle_timeouts)' | sed 's/^/  /' || true
if [[ -s "$DIR/callpyd.log" ]]; then
  echo "callpyd log (warnings and worse, last 10 lines):"
  tail -n 10 "$DIR/callpyd.log"
fi
exit "$STATUS"
