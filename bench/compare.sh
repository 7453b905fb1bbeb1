#!/usr/bin/env bash
# portfw side by side with HAProxy (TCP mode, nbthread 2) and nginx `stream` (2 workers), and with
# no proxy at all ("direct"), against the same backends, on loopback only. Prints one Markdown
# table on stdout (progress goes to stderr):
#
#   - bulk throughput with iperf3, 1 and 4 streams, and the proxy's CPU seconds per GB moved;
#   - keep-alive HTTP requests/s with wrk (bench/wrk/keepalive.lua), p50/p99 and CPU µs per request;
#   - a new connection per request (bench/wrk/new-connection.lua): requests/s, p99, CPU µs per request;
#   - 1 MiB responses over keep-alive (bench/wrk/large-response.lua): Gbit/s and CPU seconds per GB;
#   - RSS before and while holding 5,000 idle proxied connections (bench/idle_clients.py);
#   - TLS terminated by the proxy (ECDSA P-256, TLS 1.3, plaintext to the backend): a new TLS
#     connection per request (a full handshake each: wrk resumes no session) with CPU per
#     handshake, and 1 MiB responses over one TLS connection (wrk -t1 -c1) with CPU per GB.
#
# CPU is utime+stime from /proc of every process of the proxy, read right before and after a run.
# Each figure is the median of REPS runs, and is followed by its ratio to HAProxy's.
#
#   bench/compare.sh                         # DURATION=10 REPS=3: about 16 minutes
#   DURATION=2 REPS=1 bench/compare.sh       # a quick try, about 4 minutes
#   TESTS=newconn TARGETS="portfw haproxy" bench/compare.sh   # one test, two proxies, about 2 minutes
#
# Environment: DURATION (seconds per run, 10), REPS (3), WARMUP (seconds of load each proxy gets
# before measuring, 10: the JIT compiles portfw's connection path over the first seconds), IDLE (idle connections, 5000), PORTFW_JAVA_OPTS (as for bin/portfw),
# TESTS (which of bulk1 bulk4 keepalive newconn large tlsnew tlsbulk idle to run; all by default), TARGETS (which
# of portfw haproxy nginx direct to measure; all by default; portfw-sticky and portfw-cluster, named only, add the
# cost of clustering: portfw with a sticky pool alone, and the same as one of a two-member cluster), PORTFW_JAR (the jar to run,
# core/target/portfw.jar by default: point it at another build to compare two versions),
# PROFILE (a file: portfw's CPU over the measured runs, after the warm-up, as async-profiler's
# collapsed stacks; bench/profile_summary.py FILE says where the time went).
# Needs Java, haproxy, nginx with the stream module, wrk, iperf3, python3, ss and pgrep; installs
# all but Java from Debian when missing (as root), and builds core/target/portfw.jar when it is
# missing. Uses TCP ports 26000-26073 on 127.0.0.1. The load generator, the proxies and the
# backends share the machine's cores, so compare the columns with each other, not with numbers
# from elsewhere.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DURATION=${DURATION:-10} REPS=${REPS:-3} WARMUP=${WARMUP:-10} IDLE=${IDLE:-5000}
TESTS=${TESTS:-bulk1 bulk4 keepalive newconn large tlsnew tlsbulk idle}
PORTFW_JAR=${PORTFW_JAR:-core/target/portfw.jar}
HTTP=26000 BULK=26001                               # the backends: nginx HTTP, iperf3
HAPROXY_HTTP=26010 HAPROXY_BULK=26011 NGINX_HTTP=26020 NGINX_BULK=26021
PORTFW_HTTP=26030 PORTFW_BULK=26031 PORTFW_ADMIN=26032
HAPROXY_TLS=26012 NGINX_TLS=26022 PORTFW_TLS=26033     # TLS terminated by the proxy, plaintext to the HTTP backend
STICKY_HTTP=26040 STICKY_BULK=26041 STICKY_ADMIN=26042  # portfw-sticky
CLUSTER_HTTP=26050 CLUSTER_BULK=26051 CLUSTER_ADMIN=26052 PEER_HTTP=26060 PEER_BULK=26061 PEER_ADMIN=26062
CLUSTER_PORT=26070 PEER_CLUSTER_PORT=26072   # portfw-cluster and its idle second member; each event bus on the next port
COMMAND="DURATION=$DURATION REPS=$REPS WARMUP=$WARMUP IDLE=$IDLE${TARGETS:+ TARGETS=\"$TARGETS\"} TESTS=\"$TESTS\" $0${*:+ $*}"
LOAD_BEFORE=$(cut -d ' ' -f 1-3 /proc/loadavg)      # anything else busy on the machine skews every figure

WORK=$(mktemp -d)
PIDS=()
# Stops every process this script started (TERM, then KILL after 5 s) and removes the temp dir.
cleanup() {
  trap - EXIT INT TERM
  local all=() p
  for p in "${PIDS[@]}"; do all+=($(tree "$p")); done
  if [ ${#all[@]} -gt 0 ]; then
    kill "${all[@]}" 2>/dev/null || true
    for _ in $(seq 1 50); do any_alive "${all[@]}" || break; sleep 0.1; done
    kill -9 "${all[@]}" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
any_alive() {
  local p
  for p in "$@"; do kill -0 "$p" 2>/dev/null && return 0; done
  return 1
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# tree PID: the process and all its descendants, one per line
tree() {
  local c
  echo "$1"
  for c in $(pgrep -P "$1" || true); do tree "$c"; done
}
log() { echo "compare: $*" >&2; }

need() { command -v "$1" >/dev/null 2>&1 || NEEDED="$NEEDED $2"; }
NEEDED=""
need haproxy haproxy; need nginx "nginx libnginx-mod-stream"; need wrk wrk; need iperf3 iperf3
need python3 python3; need ss iproute2; need pgrep procps
NGINX_MODULE=$(ls /usr/lib/nginx/modules/ngx_stream_module.so 2>/dev/null || true)
[ -n "$NGINX_MODULE" ] || nginx -V 2>&1 | grep -q -- --with-stream || NEEDED="$NEEDED libnginx-mod-stream"
if [ -n "$NEEDED" ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $NEEDED >&2; fi
NGINX_MODULE=$(ls /usr/lib/nginx/modules/ngx_stream_module.so 2>/dev/null || true)
[ -f "$PORTFW_JAR" ] || mvn -B -ntp -q -pl core -am package -DskipTests >&2

# Every proxied connection takes two descriptors; size the proxies to the limit we can get.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
[ "$NOFILE" = unlimited ] && NOFILE=1048576
MAXCONN=$(( (NOFILE - 200) / 2 < 20000 ? (NOFILE - 200) / 2 : 20000 ))
WORKER_CONNECTIONS=$(( NOFILE - 100 < 20000 ? NOFILE - 100 : 20000 ))
if [ "$NOFILE" -lt $((2 * IDLE + 1000)) ]; then
  log "ulimit -n is $NOFILE: too low for $IDLE idle connections through a proxy; lowering IDLE"
  IDLE=$(( (NOFILE - 1000) / 2 ))
fi

# --- backends -------------------------------------------------------------------------------------
chmod 755 "$WORK"                 # nginx workers may run as nobody
mkdir -p "$WORK/www" "$WORK/logs"
head -c 100 /dev/zero | tr '\0' x > "$WORK/www/small"
head -c 1048576 /dev/zero > "$WORK/www/large"
cat > "$WORK/backend.conf" <<CONF
worker_processes 2; daemon off; pid $WORK/backend.pid; error_log $WORK/logs/backend.log warn;
worker_rlimit_nofile $NOFILE;
events { worker_connections $WORKER_CONNECTIONS; }
http {
  access_log off; sendfile on; tcp_nopush on; default_type application/octet-stream;
  keepalive_requests 100000000; keepalive_timeout 10m; client_header_timeout 10m;
  server { listen 127.0.0.1:$HTTP backlog=4096; root $WORK/www; }
}
CONF
nginx -p "$WORK/" -e "$WORK/logs/backend.log" -c "$WORK/backend.conf" &
PIDS+=($!)
iperf3 -s -B 127.0.0.1 -p $BULK >"$WORK/logs/iperf3.log" 2>&1 &
PIDS+=($!)

# --- proxies --------------------------------------------------------------------------------------
# One ECDSA P-256 certificate for every proxy's TLS listener (HAProxy wants certificate and key in one file).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench.portfw.test \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null
cat "$WORK/tls.crt" "$WORK/tls.key" > "$WORK/tls.pem"

cat > "$WORK/haproxy.cfg" <<CONF
global
  nbthread 2
  maxconn $MAXCONN
defaults
  mode tcp
  timeout connect 5s
  timeout client 10m
  timeout server 10m
listen http
  bind 127.0.0.1:$HAPROXY_HTTP
  server http 127.0.0.1:$HTTP
listen bulk
  bind 127.0.0.1:$HAPROXY_BULK
  server bulk 127.0.0.1:$BULK
listen tls
  bind 127.0.0.1:$HAPROXY_TLS ssl crt $WORK/tls.pem
  server http 127.0.0.1:$HTTP
CONF
haproxy -q -c -f "$WORK/haproxy.cfg"
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/logs/haproxy.log" 2>&1 &
HAPROXY_PID=$!
PIDS+=($!)

cat > "$WORK/nginx.conf" <<CONF
${NGINX_MODULE:+load_module $NGINX_MODULE;}
worker_processes 2; daemon off; pid $WORK/nginx.pid; error_log $WORK/logs/nginx.log warn;
worker_rlimit_nofile $NOFILE;
events { worker_connections $WORKER_CONNECTIONS; }
stream {
  proxy_connect_timeout 5s; proxy_timeout 10m;
  server { listen 127.0.0.1:$NGINX_HTTP backlog=4096; proxy_pass 127.0.0.1:$HTTP; }
  server { listen 127.0.0.1:$NGINX_BULK backlog=4096; proxy_pass 127.0.0.1:$BULK; }
  server { listen 127.0.0.1:$NGINX_TLS ssl backlog=4096; ssl_certificate $WORK/tls.crt;
           ssl_certificate_key $WORK/tls.key; proxy_pass 127.0.0.1:$HTTP; }
}
CONF
nginx -p "$WORK/" -e "$WORK/logs/nginx.log" -c "$WORK/nginx.conf" &
NGINX_PID=$!
PIDS+=($!)

cat > "$WORK/portfw.json" <<JSON
{ "admin": { "listen": "127.0.0.1:$PORTFW_ADMIN" },
  "listeners": [ { "name": "http", "protocol": "tcp", "listen": "127.0.0.1:$PORTFW_HTTP", "pool": "http",
                   "timeouts": { "drain": "1s" } },
                 { "name": "bulk", "protocol": "tcp", "listen": "127.0.0.1:$PORTFW_BULK", "pool": "bulk",
                   "timeouts": { "drain": "1s" } },
                 { "name": "tls", "protocol": "tcp", "listen": "127.0.0.1:$PORTFW_TLS", "pool": "http",
                   "timeouts": { "drain": "1s" },
                   "tls": { "certificates": [ { "cert": "$WORK/tls.crt", "key": "$WORK/tls.key" } ] } } ],
  "pools": [ { "name": "http", "backends": [ { "address": "127.0.0.1:$HTTP" } ] },
             { "name": "bulk", "backends": [ { "address": "127.0.0.1:$BULK" } ] } ] }
JSON
java -jar "$PORTFW_JAR" check --config "$WORK/portfw.json" >/dev/null
# As an operator runs it: bin/portfw's JVM flags, or PORTFW_JAVA_OPTS.
PORTFW_JAR=$(realpath "$PORTFW_JAR") bin/portfw run --no-watch --config "$WORK/portfw.json" >"$WORK/logs/portfw.log" 2>&1 &
PORTFW_PID=$!
PIDS+=($!)

# sticky_config HTTP BULK ADMIN [CLUSTER]: portfw's HTTP and bulk listeners with a sticky HTTP pool, and the
# top-level "cluster" object when given (the price of clustering is measured with sticky tables to share)
sticky_config() {
  local cluster=""
  [ -z "${4:-}" ] || cluster=" \"cluster\": $4,"
  cat <<JSON
{ "admin": { "listen": "127.0.0.1:$3" },$cluster
  "listeners": [ { "name": "http", "listen": "127.0.0.1:$1", "pool": "http", "timeouts": { "drain": "1s" } },
                 { "name": "bulk", "listen": "127.0.0.1:$2", "pool": "bulk", "timeouts": { "drain": "1s" } } ],
  "pools": [ { "name": "http", "sticky": {}, "backends": [ { "address": "127.0.0.1:$HTTP" } ] },
             { "name": "bulk", "backends": [ { "address": "127.0.0.1:$BULK" } ] } ] }
JSON
}
# start_portfw NAME CONFIG: one more portfw as bin/portfw runs it; prints its pid
start_portfw() {
  java -jar "$PORTFW_JAR" check --config "$2" >/dev/null
  PORTFW_JAR=$(realpath "$PORTFW_JAR") bin/portfw run --no-watch --config "$2" >"$WORK/logs/$1.log" 2>&1 &
  echo $!
}
EXTRA_PORTS=""
if [[ " ${TARGETS:-} " == *" portfw-sticky "* ]]; then
  sticky_config $STICKY_HTTP $STICKY_BULK $STICKY_ADMIN > "$WORK/portfw-sticky.json"
  STICKY_PID=$(start_portfw portfw-sticky "$WORK/portfw-sticky.json")
  PIDS+=($STICKY_PID)
  EXTRA_PORTS="$EXTRA_PORTS $STICKY_HTTP $STICKY_BULK"
fi
if [[ " ${TARGETS:-} " == *" portfw-cluster "* ]]; then
  members="\"127.0.0.1:$CLUSTER_PORT\", \"127.0.0.1:$PEER_CLUSTER_PORT\""
  secret=bench-cluster-secret-$RANDOM$RANDOM
  sticky_config $CLUSTER_HTTP $CLUSTER_BULK $CLUSTER_ADMIN "{ \"name\": \"bench\", \"members\": [ $members ],
    \"listen\": \"127.0.0.1:$CLUSTER_PORT\", \"secret\": \"$secret\" }" > "$WORK/portfw-cluster.json"
  sticky_config $PEER_HTTP $PEER_BULK $PEER_ADMIN "{ \"name\": \"bench\", \"members\": [ $members ],
    \"listen\": \"127.0.0.1:$PEER_CLUSTER_PORT\", \"secret\": \"$secret\" }" > "$WORK/portfw-peer.json"
  CLUSTER_PID=$(start_portfw portfw-cluster "$WORK/portfw-cluster.json")
  PIDS+=($CLUSTER_PID)
  PIDS+=($(start_portfw portfw-peer "$WORK/portfw-peer.json"))
  EXTRA_PORTS="$EXTRA_PORTS $CLUSTER_HTTP $CLUSTER_BULK $PEER_HTTP"
fi

listening() { ss -Hltn "( sport = :$1 )" | grep -q .; }
for port in $HTTP $BULK $HAPROXY_HTTP $HAPROXY_BULK $HAPROXY_TLS $NGINX_HTTP $NGINX_BULK $NGINX_TLS $PORTFW_HTTP \
    $PORTFW_BULK $PORTFW_TLS $EXTRA_PORTS; do
  for _ in $(seq 1 300); do listening "$port" && break; sleep 0.1; done
  listening "$port" || { log "nothing listens on 127.0.0.1:$port; logs:"; tail -n 5 "$WORK"/logs/* >&2; exit 1; }
done

# --- measuring ------------------------------------------------------------------------------------
TICK=$(getconf CLK_TCK)
# cpu_ticks PID: utime+stime of the process and its descendants (fields 14 and 15 of /proc/PID/stat)
cpu_ticks() {
  local p t=0
  for p in $(tree "$1"); do t=$((t + $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}' || echo 0))); done
  echo "$t"
}
# rss_kib PID: VmRSS of the process and its descendants, in KiB
rss_kib() {
  local p t=0
  for p in $(tree "$1"); do t=$((t + $(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0))); done
  echo "$t"
}
calc() { awk "BEGIN {printf \"%.6g\", $1}"; }
record() { echo "$1 $2 $3" >> "$WORK/results"; }   # TARGET METRIC VALUE
note() { echo "- $*" >> "$WORK/notes"; log "$*"; }

declare -A HTTP_PORT=([direct]=$HTTP [haproxy]=$HAPROXY_HTTP [nginx]=$NGINX_HTTP [portfw]=$PORTFW_HTTP)
declare -A TLS_PORT=([haproxy]=$HAPROXY_TLS [nginx]=$NGINX_TLS [portfw]=$PORTFW_TLS)   # direct has no TLS
declare -A BULK_PORT=([direct]=$BULK [haproxy]=$HAPROXY_BULK [nginx]=$NGINX_BULK [portfw]=$PORTFW_BULK)
declare -A PID_OF=([direct]="" [haproxy]=$HAPROXY_PID [nginx]=$NGINX_PID [portfw]=$PORTFW_PID)
HTTP_PORT[portfw-sticky]=$STICKY_HTTP BULK_PORT[portfw-sticky]=$STICKY_BULK PID_OF[portfw-sticky]=${STICKY_PID:-}
HTTP_PORT[portfw-cluster]=$CLUSTER_HTTP BULK_PORT[portfw-cluster]=$CLUSTER_BULK PID_OF[portfw-cluster]=${CLUSTER_PID:-}
TARGETS=${TARGETS:-direct haproxy nginx portfw}

# bulk TARGET STREAMS: one iperf3 run, client to server
bulk() {
  local target=$1 streams=$2 pid=${PID_OF[$1]} before after json
  before=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
  json=$(timeout $((DURATION + 30)) iperf3 -c 127.0.0.1 -p "${BULK_PORT[$target]}" -t "$DURATION" -P "$streams" -J \
         2>/dev/null || true)
  after=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
  local result
  result=$(python3 -c 'import json, sys
d = json.loads(sys.stdin.read() or "{}")
e = d.get("end", {}).get("sum_received", {})
print(e["bits_per_second"], e["bytes"]) if e.get("bytes") else print("error", d.get("error", "no output"))' <<<"$json")
  if [ "${result%% *}" = error ]; then note "$target: iperf3 -P $streams failed: ${result#error }"; return; fi
  set -- $result
  record "$target" "bulk$streams.gbps" "$(calc "$1 / 1e9")"
  [ -z "$pid" ] || record "$target" "bulk$streams.cpu" "$(calc "($after - $before) / $TICK / ($2 / 1e9)")"
}

# http TARGET KIND SCRIPT PATH [URL] [WRK OPTIONS]: one wrk run; KIND names the metrics
http() {
  local target=$1 kind=$2 pid=${PID_OF[$1]} before after out line
  local url=${5:-http://127.0.0.1:${HTTP_PORT[$target]}} options=${6:--t2 -c50}
  before=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
  out=$(timeout $((DURATION + 30)) wrk $options -d"${DURATION}s" --latency -s "bench/wrk/$3" "$url$4" 2>&1 || true)
  after=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
  line=$(grep '^portfw-bench ' <<<"$out" || true)
  if [ -z "$line" ]; then note "$target: wrk $kind failed: $(tail -n 1 <<<"$out")"; return; fi
  local requests duration bytes p50 p99 errors
  field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }
  requests=$(field requests) duration=$(field duration_us) bytes=$(field bytes) p50=$(field p50_us) p99=$(field p99_us)
  errors=$(grep -o '[a-z_]*errors=[1-9][0-9]*\|timeouts=[1-9][0-9]*' <<<"$line" | tr '\n' ' ' || true)
  [ -z "$errors" ] || note "$target, $kind: wrk reports ${errors% } (out of $requests requests)"
  [ "$requests" -gt 0 ] || { note "$target: wrk $kind completed no request"; return; }
  record "$target" "$kind.rps" "$(calc "$requests / ($duration / 1e6)")"
  record "$target" "$kind.gbps" "$(calc "$bytes * 8 / ($duration * 1000)")"
  record "$target" "$kind.p50" "$(calc "$p50 / 1000")"
  record "$target" "$kind.p99" "$(calc "$p99 / 1000")"
  [ -z "$pid" ] || record "$target" "$kind.cpu_us" "$(calc "($after - $before) / $TICK * 1e6 / $requests")"
  [ -z "$pid" ] || record "$target" "$kind.cpu_gb" "$(calc "($after - $before) / $TICK / ($bytes / 1e9)")"
}

established() { ss -Htn state established "( dport = :$1 )" | wc -l; }

# live_heap_kib PID: the Java heap still in use after a full collection (jcmd's class histogram forces
# one), in KiB. The JVM's RSS hardly moves with 5,000 more connections, because the heap pages they
# land on were touched by the load tests before; what the connections really keep is this.
live_heap_kib() { jcmd "$1" GC.class_histogram 2>/dev/null | awk '$1 == "Total" {print $3 / 1024}'; }

# idle TARGET: RSS of the proxy before and while it holds $IDLE idle connections to the HTTP backend
idle() {
  local target=$1 pid=${PID_OF[$1]} base before after client n=0 heap_before="" heap_after=""
  base=$(established $HTTP)
  [ "$target" != portfw ] || heap_before=$(live_heap_kib "$pid")
  before=$(rss_kib "$pid")
  python3 bench/idle_clients.py --port "${HTTP_PORT[$target]}" --count "$IDLE" --hold 120 \
    >"$WORK/idle.out" 2>"$WORK/idle.err" &
  client=$!
  PIDS+=($client)
  # until every connection the client opened reaches the backend: at most 10 s after it opened them
  # all, 60 s in all, or until the client gives up
  local opened="" waited=0
  for _ in $(seq 1 600); do
    n=$(( $(established $HTTP) - base ))
    [ "$n" -ge "$IDLE" ] && break
    kill -0 "$client" 2>/dev/null || break
    [ -n "$opened" ] || opened=$(awk '/^open/ {print $2}' "$WORK/idle.out")
    if [ -n "$opened" ]; then
      [ "$n" -ge "$opened" ] && break
      waited=$((waited + 1)); [ "$waited" -le 100 ] || break
    fi
    sleep 0.1
  done
  sleep 2                                             # let the proxy finish what each accept started
  n=$(( $(established $HTTP) - base ))
  after=$(rss_kib "$pid")
  [ "$target" != portfw ] || heap_after=$(live_heap_kib "$pid")
  kill "$client" 2>/dev/null || true
  wait "$client" 2>/dev/null || true
  [ "$n" -ge "$IDLE" ] || note "$target: only $n of $IDLE idle connections reached the backend ($(tail -n 1 "$WORK/idle.err" 2>/dev/null))"
  if [ "$n" -gt 0 ]; then
    record "$target" idle.before "$(calc "$before / 1024")"
    record "$target" idle.after "$(calc "$after / 1024")"
    record "$target" idle.kib "$(calc "($after - $before) / $n")"
    [ -z "$heap_after" ] || record "$target" idle.heap_kib "$(calc "($heap_after - $heap_before) / $n")"
  fi
  for _ in $(seq 1 100); do [ "$(established $HTTP)" -le "$base" ] && break; sleep 0.1; done
}

wanted() { [[ " $TESTS " == *" $1 "* ]]; }   # wanted TEST: whether TESTS names it
proxies() {   # the proxies among TARGETS (direct is no proxy)
  local t
  for t in $TARGETS; do [ "$t" = direct ] || echo "$t"; done
}
run_all() {   # run_all TARGETS...: every wanted load test once per target, grouped by test
  local t
  if wanted bulk1; then for t in "$@"; do log "bulk, 1 stream: $t"; bulk "$t" 1; done; fi
  if wanted bulk4; then for t in "$@"; do log "bulk, 4 streams: $t"; bulk "$t" 4; done; fi
  if wanted keepalive; then for t in "$@"; do log "keep-alive: $t"; http "$t" keepalive keepalive.lua /small; done; fi
  if wanted newconn; then
    for t in "$@"; do log "new connection per request: $t"; http "$t" newconn new-connection.lua /small; done
  fi
  if wanted large; then for t in "$@"; do log "1 MiB responses: $t"; http "$t" large large-response.lua /large; done; fi
  if wanted tlsnew; then
    for t in "$@"; do
      [ -z "${TLS_PORT[$t]:-}" ] || { log "new TLS connection per request: $t"
        http "$t" tlsnew new-connection.lua /small "https://127.0.0.1:${TLS_PORT[$t]}"; }
    done
  fi
  if wanted tlsbulk; then
    for t in "$@"; do
      [ -z "${TLS_PORT[$t]:-}" ] || { log "1 MiB responses over one TLS connection: $t"
        http "$t" tlsbulk large-response.lua /large "https://127.0.0.1:${TLS_PORT[$t]}" "-t1 -c1"; }
    done
  fi
}

if [ "$WARMUP" -gt 0 ]; then
  log "warming up each proxy for ${WARMUP}s per test"
  (DURATION=$WARMUP; WORK=$WORK/warmup; mkdir -p "$WORK"; run_all $(proxies))
fi
PROFILER=""
if [ -n "${PROFILE:-}" ]; then   # async-profiler from Maven Central, attached to the running portfw
  mvn -B -ntp -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1 -Dtransitive=false >&2
  unzip -o -q "$HOME/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1.jar" 'linux-x64/*' -d "$WORK/ap"
  PROFILER=$WORK/ap/linux-x64/libasyncProfiler.so
  # The options go in quotes: jcmd would read the first '=' as its own.
  jcmd "$PORTFW_PID" JVMTI.agent_load "$PROFILER" '"start,event=itimer,interval=1ms"' >/dev/null
fi
for rep in $(seq 1 "$REPS"); do
  log "repetition $rep of $REPS, ${DURATION}s per run"
  run_all $TARGETS
done
[ -z "$PROFILER" ] || jcmd "$PORTFW_PID" JVMTI.agent_load "$PROFILER" "\"stop,collapsed,file=$(realpath -m "$PROFILE")\"" >/dev/null
if wanted idle; then for t in $(proxies); do log "$IDLE idle connections: $t"; idle "$t"; done; fi

# --- the table ------------------------------------------------------------------------------------
# median TARGET METRIC: the median of the recorded values, or nothing
median() {
  awk -v t="$1" -v m="$2" '$1 == t && $2 == m {print $3}' "$WORK/results" 2>/dev/null | sort -g |
    awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else if (NR) print (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}
# cell TARGET METRIC FORMAT: the median, and its ratio to HAProxy's for the other proxies
cell() {
  local v h
  v=$(median "$1" "$2") h=$(median haproxy "$2")
  if [ -z "$v" ]; then printf -- '-'; return; fi
  printf "$3" "$v"
  if [ "$1" != haproxy ] && [ "$1" != direct ] && [ -n "$h" ] && awk "BEGIN {exit !($h != 0)}"; then
    printf ' (%.2f)' "$(calc "$v / $h")"
  fi
}
row() {   # row LABEL METRIC FORMAT
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$(cell portfw "$2" "$3")" "$(cell haproxy "$2" "$3")" \
    "$(cell nginx "$2" "$3")" "$(cell direct "$2" "$3")"
}

echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r);" \
  "$(java -version 2>&1 | head -n 1); $(haproxy -v | head -n 1 | cut -d ' ' -f 1-3); $(nginx -v 2>&1 | sed 's/.*: //')"
echo "Command: $COMMAND (median of $REPS, ${DURATION}s per run; ulimit -n $NOFILE;" \
  "load average before: $LOAD_BEFORE; $(date -u +%F))"
echo
echo '| metric | portfw | HAProxy | nginx stream | direct |'
echo '|---|---|---|---|---|'
row 'bulk, 1 stream (Gbit/s)' bulk1.gbps '%.2f'
row 'bulk, 1 stream: proxy CPU (s/GB)' bulk1.cpu '%.3f'
row 'bulk, 4 streams (Gbit/s)' bulk4.gbps '%.2f'
row 'bulk, 4 streams: proxy CPU (s/GB)' bulk4.cpu '%.3f'
row 'keep-alive (requests/s)' keepalive.rps '%.0f'
row 'keep-alive p50 (ms)' keepalive.p50 '%.2f'
row 'keep-alive p99 (ms)' keepalive.p99 '%.2f'
row 'keep-alive: proxy CPU (µs/request)' keepalive.cpu_us '%.1f'
row 'new connection per request (requests/s)' newconn.rps '%.0f'
row 'new connection p99 (ms)' newconn.p99 '%.2f'
row 'new connection: proxy CPU (µs/request)' newconn.cpu_us '%.1f'
row '1 MiB responses (Gbit/s)' large.gbps '%.2f'
row '1 MiB responses: proxy CPU (s/GB)' large.cpu_gb '%.3f'
row 'new TLS connection per request (handshakes/s)' tlsnew.rps '%.0f'
row 'new TLS connection p99 (ms)' tlsnew.p99 '%.2f'
row 'new TLS connection: proxy CPU (µs/handshake)' tlsnew.cpu_us '%.1f'
row 'one TLS connection, 1 MiB responses (Gbit/s)' tlsbulk.gbps '%.2f'
row 'one TLS connection: proxy CPU (s/GB)' tlsbulk.cpu_gb '%.3f'
row 'RSS before idle connections (MiB)' idle.before '%.1f'
row "RSS holding $IDLE idle connections (MiB)" idle.after '%.1f'
row 'RSS per idle connection (KiB)' idle.kib '%.1f'
row 'live Java heap per idle connection, after a full GC (KiB)' idle.heap_kib '%.1f'
if [[ " $TARGETS " == *" portfw-sticky "* && " $TARGETS " == *" portfw-cluster "* ]]; then
  # diff METRIC FORMAT: clustered against alone, and the difference in per cent
  diff_row() {
    local alone clustered
    alone=$(median portfw-sticky "$2") clustered=$(median portfw-cluster "$2")
    if [ -z "$alone" ] || [ -z "$clustered" ]; then printf '| %s | - | - | - |\n' "$1"; return; fi
    printf "| %s | $3 | $3 | %+.1f%% |\n" "$1" "$alone" "$clustered" "$(calc "($clustered - $alone) / $alone * 100")"
  }
  echo
  echo 'The cost of clustering: portfw with a sticky pool, alone and as one of a two-member cluster (the other idle).'
  echo
  echo '| metric | alone | clustered | difference |'
  echo '|---|---|---|---|'
  diff_row 'keep-alive (requests/s)' keepalive.rps '%.0f'
  diff_row 'keep-alive p99 (ms)' keepalive.p99 '%.2f'
  diff_row 'keep-alive: proxy CPU (µs/request)' keepalive.cpu_us '%.1f'
  diff_row 'new connection per request (requests/s)' newconn.rps '%.0f'
  diff_row 'new connection p99 (ms)' newconn.p99 '%.2f'
  diff_row 'new connection: proxy CPU (µs/request)' newconn.cpu_us '%.1f'
fi
echo
echo "In brackets: the ratio to HAProxy. Higher is better for requests/s and Gbit/s, lower for latency, CPU and RSS."
echo "wrk -t2 -c50; iperf3 -t $DURATION [-P 4]; direct = no proxy; RSS sums every process of the proxy (measured once)."
if [ -s "$WORK/notes" ]; then echo; echo "Notes:"; cat "$WORK/notes"; fi
