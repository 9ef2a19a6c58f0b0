#!/usr/bin/env bash
# Media relay benchmark (issue 5 §4): builds callpyd and media_relay optimised (RelWithDebInfo:
# -O2 -g, no sanitizers) in build/bench-release, starts callpyd (an `rtc:` config on 127.0.0.1)
# and Janus 1.1.2 (VideoCall plugin, WebSocket transport, a temp config), runs the same loads
# through both, one after the other, and prints a table with the callpyd/Janus ratio.
#   bench/media_relay/run.sh                     # K = 20 50 100 150 A+V, then 200 and 800 audio-only
#   CALLS="20 50" AUDIO_CALLS="400" SECONDS_PER_RUN=10 bench/media_relay/run.sh
#   NO_BUILD=1 RELAYS=callpyd bench/media_relay/run.sh
#   PIN=1 bench/media_relay/run.sh               # relay on CPU 1, load client on CPU 0 (taskset)
#   RELAYS=direct bench/media_relay/run.sh       # no relay: peers talk directly (client baseline)
#   TICK_MS=5 bench/media_relay/run.sh           # client send tick 5 ms (default 1): bigger bursts
#   WIRE=1 PIN=1 bench/media_relay/run.sh        # + the relay's residence time from a tcpdump of lo
# Everything runs on this machine; the load generator's own CPU is printed next to the relay's.
# How to read the table: bench/media_relay/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${CALLPY_BUILD:-$ROOT/build/bench-release}"
CALLS="${CALLS-20 50 100 150}"
AUDIO_CALLS="${AUDIO_CALLS-200 800}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
RELAYS="${RELAYS:-callpyd janus}"
CLIENT_THREADS="${CLIENT_THREADS:-2}"
MEDIA_THREADS="${MEDIA_THREADS:-2}"        # callpyd rtc.media_threads and Janus event_loops
JANUS_BIN="${JANUS_BIN:-/usr/bin/janus}"
# PIN=1: the relay may use only CPU $RELAY_CPU and the load client only CPU $CLIENT_CPU, so the
# client's own work does not sit in the relay's run queue (fairer added latency; the relay then
# has one core at most, whatever MEDIA_THREADS says).
PIN="${PIN:-}"
RELAY_CPU="${RELAY_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
RELAY_PREFIX=()
CLIENT_PREFIX=()
if [[ -n "$PIN" ]]; then
  RELAY_PREFIX=(taskset -c "$RELAY_CPU")
  CLIENT_PREFIX=(taskset -c "$CLIENT_CPU")
fi
# WIRE=1: during each run's window tcpdump captures lo (UDP headers only) and wire_latency.py
# matches each RTP packet into the relay with the one it sent on: the relay's own residence time
# (extra columns w*). tcpdump runs on WIRE_CPU (default: the client's CPU when pinned).
WIRE="${WIRE:-}"
WIRE_PREFIX=()
if [[ -n "${WIRE_CPU:-}" ]]; then
  WIRE_PREFIX=(taskset -c "$WIRE_CPU")
elif [[ -n "$PIN" ]]; then
  WIRE_PREFIX=(taskset -c "$CLIENT_CPU")
fi
if [[ -n "$WIRE" ]] && ! command -v tcpdump >/dev/null; then
  echo "run.sh: WIRE=1 needs tcpdump (apt-get install -y tcpdump)" >&2
  exit 2
fi
JANUS_LIB=/usr/lib/x86_64-linux-gnu/janus
# Janus never gathers on loopback, so its run uses the host's first non-loopback IPv4 address
# (traffic to a local address still goes through the kernel's loopback path, as callpyd's does).
JANUS_IP="${JANUS_IP:-$(ip -4 -o addr show scope global | awk '{split($4,a,"/"); print a[1]; exit}')}"

if [[ -z "${NO_BUILD:-}" ]]; then
  [[ -f "$BUILD/CMakeCache.txt" ]] || cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCALLPY_TESTS=OFF >/dev/null
  cmake -S "$ROOT" -B "$BUILD" >/dev/null  # picks up bench/media_relay (bench/ globs its dirs)
  cmake --build "$BUILD" --target callpyd media_relay -j2
fi
# CALLPYD_BIN / LOADER_BIN: take one binary from elsewhere, e.g. a new relay against the old
# client, so a change to the shared rtc modules shows in the relay alone.
CALLPYD="${CALLPYD_BIN:-$BUILD/daemon/callpyd}"
LOADER="${LOADER_BIN:-$BUILD/bench/media_relay/media_relay}"
for bin in "$CALLPYD" "$LOADER"; do
  [[ -x "$bin" ]] || { echo "run.sh: $bin is missing" >&2; exit 2; }
done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

DIR="$(mktemp -d /tmp/callpy-mediarelay-XXXXXX)"
DAEMON_PID=""
JANUS_PID=""
cleanup() {
  for pid in "$DAEMON_PID" "$JANUS_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      wait "$pid" 2>/dev/null || true
    fi
  done
  [[ -n "${KEEP_DIR:-}" ]] || rm -rf "$DIR"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_callpyd() {
  PORT="$(free_port)"
  SOCK="$DIR/admin.sock"
  mkdir -p "$DIR/web"
  cat >"$DIR/callpyd.yaml" <<YAML
listen:
  http: 127.0.0.1:$PORT
public_url: http://127.0.0.1:$PORT
data_dir: $DIR/data
admin:
  socket: $SOCK
web_root: $DIR/web
log:
  level: warning
rtc:
  interfaces: [127.0.0.1]
  port_range: 40000-43999
  media_threads: $MEDIA_THREADS
YAML
  "${RELAY_PREFIX[@]}" "$CALLPYD" --config "$DIR/callpyd.yaml" 2>"$DIR/callpyd.log" &
  DAEMON_PID=$!
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && [[ -S "$SOCK" ]]; then break; fi
    kill -0 "$DAEMON_PID" 2>/dev/null || { echo "callpyd exited:" >&2; cat "$DIR/callpyd.log" >&2; exit 1; }
    sleep 0.1
  done
  local email=owner@bench.example password headers csrf
  password="$(curl -fsS --unix-socket "$SOCK" -X POST -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\"}" http://localhost/api/admin/v1/bootstrap | jq -r .password)"
  headers="$DIR/login.headers"
  csrf="$(curl -fsS -D "$headers" -X POST -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "http://127.0.0.1:$PORT/api/panel/auth/login" | jq -r .csrf)"
  COOKIE="$(grep -io 'callpy_session=[^;[:space:]]*' "$headers" | head -n1)"
  KEY="$(curl -fsS -X POST -H 'Content-Type: application/json' -H "Cookie: $COOKIE" -H "X-CSRF-Token: $csrf" \
    -d '{"name":"Media bench","url":"https://bench.example"}' "http://127.0.0.1:$PORT/api/panel/sites" |
    jq -r .site.widget_key)"
  [[ -n "$KEY" && "$KEY" != null ]] || { echo "run.sh: callpyd site creation failed" >&2; exit 1; }
  echo "callpyd pid $DAEMON_PID on port $PORT (media threads $MEDIA_THREADS)"
}

start_janus() {
  JPORT="$(free_port)"
  local cfg="$DIR/janus"
  mkdir -p "$cfg"
  cat >"$cfg/janus.jcfg" <<JCFG
general: {
  configs_folder = "$cfg"
  plugins_folder = "$JANUS_LIB/plugins"
  transports_folder = "$JANUS_LIB/transports"
  events_folder = "$JANUS_LIB/events"
  loggers_folder = "$JANUS_LIB/loggers"
  debug_level = 3
  session_timeout = 0
  event_loops = $MEDIA_THREADS
  hide_dependencies = true
}
certificates: {
}
media: {
  rtp_port_range = "44000-47999"
}
nat: {
  full_trickle = false
  ice_lite = false
  ice_tcp = false
  ignore_mdns = true
  ice_enforce_list = "$JANUS_IP"
}
plugins: {
  disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videoroom.so,libjanus_voicemail.so"
}
transports: {
  disable = "libjanus_http.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
}
loggers: {
  disable = "libjanus_jsonlog.so"
}
events: {
  broadcast = false
}
JCFG
  cat >"$cfg/janus.transport.websockets.jcfg" <<JCFG
general: {
  json = "compact"
  ws = true
  ws_port = $JPORT
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
JCFG
  cat >"$cfg/janus.plugin.videocall.jcfg" <<JCFG
general: {
}
JCFG
  "${RELAY_PREFIX[@]}" "$JANUS_BIN" --config "$cfg/janus.jcfg" --configs-folder "$cfg" --disable-colors >"$DIR/janus.log" 2>&1 &
  JANUS_PID=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$JPORT") 2>/dev/null; then break; fi
    kill -0 "$JANUS_PID" 2>/dev/null || { echo "janus exited:" >&2; tail -n 30 "$DIR/janus.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "janus $("$JANUS_BIN" --version 2>/dev/null | head -n1) pid $JANUS_PID, WebSocket port $JPORT (event_loops $MEDIA_THREADS)"
}

# The load client in the background; once its calls are up and its warm-up (3 s) is over,
# tcpdump captures lo for the window, then wire_latency.py reads the capture.
wire_run() {
  local lpid tpid ticks0 ticks1 hz drops offset wstart
  rm -f "$DIR/wire.pcap" "$DIR/wire.out" "$DIR/legs.txt"
  "${CLIENT_PREFIX[@]}" "$LOADER" "$@" --legs "$DIR/legs.txt" >"$DIR/one.out" 2>&1 &
  lpid=$!
  while kill -0 "$lpid" 2>/dev/null && ! grep -q 'calls up' "$DIR/one.out"; do sleep 0.1; done
  if grep -q 'calls up [1-9]' "$DIR/one.out"; then
    sleep 2.5  # the client's window starts 3 s after its calls are up; the capture a bit before
    offset="$(python3 -c 'import time; print(time.time_ns() - time.monotonic_ns())')"
    "${WIRE_PREFIX[@]}" tcpdump -i lo -n -s 96 -B 65536 --time-stamp-precision=nano -w "$DIR/wire.pcap" udp \
      2>"$DIR/tcpdump.err" &
    tpid=$!
    sleep 0.3  # tcpdump opens the device
    ticks0="$(awk '{print $14+$15}' "/proc/$tpid/stat" 2>/dev/null || echo 0)"
    sleep "$SECONDS_PER_RUN"
    ticks1="$(awk '{print $14+$15}' "/proc/$tpid/stat" 2>/dev/null || echo 0)"
    sleep 0.6  # packets sent at the window's end, still in the relay
    kill -INT "$tpid" 2>/dev/null || true
    wait "$tpid" 2>/dev/null || true
    hz="$(getconf CLK_TCK)"
    drops="$(grep -o '[0-9]* packets dropped by kernel' "$DIR/tcpdump.err" | cut -d' ' -f1)"
    wait "$lpid" 2>/dev/null || true
    # Only packets the client sent inside its window count, as in its own latency columns.
    wstart="$(grep -o 'window start: CLOCK_MONOTONIC [0-9.]*' "$DIR/one.out" | awk '{print $4}')"
    { python3 "$ROOT/bench/media_relay/wire_latency.py" --pcap "$DIR/wire.pcap" --legs "$DIR/legs.txt" \
        ${wstart:+--window-start "$wstart" --window-seconds "$SECONDS_PER_RUN" --realtime-offset-ns "$offset"} |
        sed "s/\$/ wire_cap_drops=${drops:-?} wire_cap_cpu_pct=$(python3 -c "print(round(100*($ticks1-$ticks0)/$hz/$SECONDS_PER_RUN,1))")/"
    } >"$DIR/wire.out" 2>&1 || true
    if [[ -n "${KEEP_DIR:-}" ]]; then  # one capture per run, e.g. wire-callpyd-100-2.pcap
      local n=1
      while [[ -e "$DIR/wire-$WIRE_TAG-$n.pcap" ]]; do n=$((n + 1)); done
      mv "$DIR/wire.pcap" "$DIR/wire-$WIRE_TAG-$n.pcap"
      cp "$DIR/legs.txt" "$DIR/wire-$WIRE_TAG-$n.legs"
    else
      rm -f "$DIR/wire.pcap"
    fi
  fi
  wait "$lpid" 2>/dev/null || true
}

RESULTS="$DIR/results.txt"
: >"$RESULTS"
run_one() {  # relay calls extra-args...
  local relay="$1" calls="$2"
  shift 2
  local args=(--calls "$calls" --seconds "$SECONDS_PER_RUN" --threads "$CLIENT_THREADS" "$@")
  [[ -n "${TICK_MS:-}" ]] && args+=(--tick-ms "$TICK_MS")
  if [[ "$relay" == callpyd ]]; then
    args+=(--relay callpyd --pid "$DAEMON_PID" --url "ws://127.0.0.1:$PORT" --key "$KEY" --cookie "$COOKIE")
  elif [[ "$relay" == direct ]]; then
    # No relay process: its CPU columns then measure this idle shell.
    args+=(--relay direct --pid "$$")
  else
    args+=(--relay janus --pid "$JANUS_PID" --janus-port "$JPORT" --client-ip "$JANUS_IP")
  fi
  WIRE_TAG="$relay-$calls"
  if [[ -z "$WIRE" ]]; then
    "${CLIENT_PREFIX[@]}" "$LOADER" "${args[@]}" >"$DIR/one.out" 2>&1 || true
  else
    wire_run "${args[@]}"
  fi
  cat "$DIR/one.out"
  cat "$DIR/one.out" >>"$DIR/loader.out"
  if [[ -n "$WIRE" && -s "$DIR/wire.out" ]]; then
    cat "$DIR/wire.out"
    echo "$(grep '^RESULT' "$DIR/one.out") $(grep '^WIRE' "$DIR/wire.out" | cut -d' ' -f2-)" >>"$RESULTS" || true
  else
    grep '^RESULT' "$DIR/one.out" >>"$RESULTS" || true
  fi
  sleep 2  # let the relay free the previous run's ports and threads
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n "$PIN" ]]; then
  echo "pinned: relay on CPU $RELAY_CPU only, load client on CPU $CLIENT_CPU only (taskset)"
else
  echo "not pinned: relay and load client share all $(nproc) cores (PIN=1 separates them)"
fi

echo "SRTP: callpyd uses its own AES-GCM (OpenSSL) for GCM profiles; Janus uses Debian's libsrtp2 (NSS)"
for relay in $RELAYS; do
  case "$relay" in
    callpyd) start_callpyd ;;
    janus) start_janus ;;
  esac
  for k in $CALLS; do run_one "$relay" "$k"; done
  for k in $AUDIO_CALLS; do run_one "$relay" "$k" --audio-only; done
  # One relay at a time on the two cores.
  if [[ "$relay" == callpyd ]]; then kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true; DAEMON_PID=""; fi
  if [[ "$relay" == janus ]]; then kill -TERM "$JANUS_PID"; wait "$JANUS_PID" 2>/dev/null || true; JANUS_PID=""; fi
done

echo
python3 - "$RESULTS" <<'PY'
import sys
rows = []
for line in open(sys.argv[1]):
    kv = dict(p.split('=', 1) for p in line.split()[1:] if '=' in p)
    rows.append(kv)
wire = any('wire_p99_us' in r for r in rows)
hdr = f"{'relay':8} {'mode':5} {'calls':>5} {'up':>4} {'relayed/s':>9} {'loss%':>7} {'p50us':>6} {'p99us':>7} {'relayCPU%':>9} {'pps/core':>8} {'CPU%/call':>9} {'clientCPU%':>10} {'other%':>6} {'maxms':>6} {'load':>5}"
if wire:
    hdr += f" {'wP50us':>6} {'wP99us':>6} {'wP999us':>7} {'wMaxus':>7} {'match%':>6} {'capDrop':>7} {'capCPU%':>7}"
print(hdr)
for r in rows:
    if r.get('up', '0') == '0':
        print(f"{r['relay']:8} {r['mode']:5} {r['calls']:>5} {'0':>4}  (no call connected)")
        continue
    print(f"{r['relay']:8} {r['mode']:5} {r['calls']:>5} {r['up']:>4} {float(r['relayed_pps']):9.0f} {float(r['loss_pct']):7.3f} "
          f"{float(r['p50_us']):6.0f} {float(r['p99_us']):7.0f} {float(r['relay_cpu_pct']):9.1f} {float(r['pps_per_core']):8.0f} "
          f"{float(r['cpu_per_call_pct']):9.3f} {float(r['client_cpu_pct']):10.1f} {float(r.get('other_cpu_pct','0')):6.1f} "
          f"{float(r.get('max_ms','0')):6.0f} {r.get('load','?'):>5}" +
          (f" {float(r['wire_p50_us']):6.0f} {float(r['wire_p99_us']):6.0f} {float(r['wire_p999_us']):7.0f} "
           f"{float(r['wire_max_us']):7.0f} {float(r['wire_matched_pct']):6.2f} {r.get('wire_cap_drops','?'):>7} "
           f"{r.get('wire_cap_cpu_pct','?'):>7}" if 'wire_p99_us' in r else ''))
by = {}
for r in rows:
    if r.get('up', '0') != '0':
        by[(r['relay'], r['mode'], r['calls'])] = r
print()
print("callpyd / Janus (same load): pps per core, CPU per call (Janus/callpyd), p99 latency (Janus/callpyd)")
for (relay, mode, calls), r in sorted(by.items(), key=lambda x: (x[0][1], int(x[0][2]))):
    j = by.get(('janus', mode, calls))
    if relay != 'callpyd' or not j:
        continue
    ppc = float(r['pps_per_core']) / max(1.0, float(j['pps_per_core']))
    cpc = float(j['cpu_per_call_pct']) / max(1e-9, float(r['cpu_per_call_pct']))
    lat = float(j['p99_us']) / max(1.0, float(r['p99_us']))
    print(f"  {mode:5} {calls:>5} calls: x{ppc:.2f} packets/s per core, x{cpc:.2f} CPU per call, x{lat:.2f} p99")
PY
echo "raw output: $DIR/loader.out (kept only with KEEP_DIR=1)"
