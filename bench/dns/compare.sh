#!/usr/bin/env bash
# DNS over UDP through portfw, side by side with the same load straight to the server, through
# nginx `stream` and through pen: dnsperf against dnsmasq, everything on loopback. Prints queries/s, lost queries,
# average and p99 latency, and the forwarder's CPU time per query (from /proc).
#
#   bench/dns/compare.sh [SECONDS]      # default 10 s per run; installs what it needs from Debian
#
# Each forwarder first gets WARMUP seconds (default 5) of load that is not measured: the JIT compiles
# portfw's datagram path over the first seconds. PORTFW_JAVA_OPTS and PORTFW_JAR as for bench/compare.sh.
#
# Each forwarder is measured flat out (dnsperf's 20 client ports, 2,000 queries in flight) and at an
# offered 10,000 q/s, where the p99 is read from dnsperf's per-query report; and in two modes: a
# session per client port (the 20 sessions live through the run) and a new session, with a backend
# socket of its own, per query (portfw `responses: 1`, nginx `proxy_responses 1`), the cost a
# client with a new source port for every query would cause.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SECONDS_PER_RUN=${1:-10}
WARMUP=${WARMUP:-5}
DNS_PORT=25353 PORTFW_PORT=25354 NGINX_PORT=25355 ADMIN_PORT=25356 PORTFW_ONE=25357 NGINX_ONE=25358 PEN_PORT=25359
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

need() { command -v "$1" >/dev/null 2>&1 || NEEDED="$NEEDED $2"; }
NEEDED=""
need dnsmasq dnsmasq-base; need dnsperf dnsperf; need nginx "nginx libnginx-mod-stream"; need pen pen
if [ -n "$NEEDED" ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $NEEDED; fi
[ -f core/target/portfw.jar ] || mvn -B -ntp -q -pl core -am package -DskipTests

for i in $(seq 1 50); do echo "www$i.bench.test A"; done > "$WORK/queries.txt"
dnsmasq --keep-in-foreground --conf-file=/dev/null --port=$DNS_PORT --listen-address=127.0.0.1 --bind-interfaces \
  --no-resolv --no-hosts --pid-file= --user=root --group=root --cache-size=0 \
  $(for i in $(seq 1 50); do printf -- '--host-record=www%s.bench.test,10.0.%s.1 ' "$i" "$i"; done) &
cat > "$WORK/portfw.json" <<JSON
{ "admin": { "listen": "127.0.0.1:$ADMIN_PORT" },
  "listeners": [ { "name": "dns", "protocol": "udp", "listen": "127.0.0.1:$PORTFW_PORT", "pool": "dns",
                   "sessionIdle": "10s" },
                 { "name": "dns-per-query", "protocol": "udp", "listen": "127.0.0.1:$PORTFW_ONE", "pool": "dns",
                   "responses": 1, "sessionIdle": "10s" } ],
  "pools": [ { "name": "dns", "backends": [ { "address": "127.0.0.1:$DNS_PORT" } ] } ] }
JSON
# As an operator runs it: bin/portfw's JVM flags, or PORTFW_JAVA_OPTS; PORTFW_JAR picks another build.
PORTFW_JAR=$(realpath "${PORTFW_JAR:-core/target/portfw.jar}") bin/portfw run --no-watch --config "$WORK/portfw.json" \
  > "$WORK/portfw.log" 2>&1 &
PORTFW_PID=$!
NGINX_MODULE=$(ls /usr/lib/nginx/modules/ngx_stream_module.so 2>/dev/null || true)
cat > "$WORK/nginx.conf" <<CONF
${NGINX_MODULE:+load_module $NGINX_MODULE;}
worker_processes 1; daemon off; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log warn;
events { worker_connections 16384; }
stream { server { listen 127.0.0.1:$NGINX_PORT udp; proxy_pass 127.0.0.1:$DNS_PORT; proxy_timeout 10s; }
         server { listen 127.0.0.1:$NGINX_ONE udp; proxy_pass 127.0.0.1:$DNS_PORT; proxy_responses 1;
                  proxy_timeout 10s; } }
CONF
nginx -c "$WORK/nginx.conf" &
# pen: one process, a client table of 20 dnsperf ports; it has no mode that ends a session per reply.
pen -U -f -c 4096 -x 4096 127.0.0.1:$PEN_PORT 127.0.0.1:$DNS_PORT &
PEN_PID=$!
sleep 3
NGINX_PID=$(pgrep -f "nginx: worker process" | head -n1 || true)

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)

# run NAME PORT PID [QPS]: one dnsperf run; prints a table row
run() {
  local name=$1 port=$2 pid=$3 qps=${4:-} before after out
  before=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
  if [ -n "$qps" ]; then
    out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$WORK/queries.txt" -l "$SECONDS_PER_RUN" -c 20 -Q "$qps" -v 2>&1)
  else
    out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$WORK/queries.txt" -l "$SECONDS_PER_RUN" -c 20 -q 2000 2>&1)
  fi
  after=$([ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
  local completed lost rate avg p99 cpu
  completed=$(sed -n 's/.*Queries completed: *\([0-9]*\).*/\1/p' <<<"$out")
  lost=$(sed -n 's/.*Queries lost: *\([0-9]*\).*/\1/p' <<<"$out")
  rate=$(sed -n 's/.*Queries per second: *\([0-9.]*\).*/\1/p' <<<"$out")
  avg=$(sed -n 's/.*Average Latency (s): *\([0-9.]*\).*/\1/p' <<<"$out")
  p99="-"
  if [ -n "$qps" ]; then
    p99=$(grep '^> ' <<<"$out" | awk '{print $NF}' | sort -g | awk '{a[NR]=$1} END {if (NR) printf "%.3f", a[int(NR*0.99)]*1000}')
  fi
  if [ -n "$pid" ] && [ "${completed:-0}" -gt 0 ]; then
    cpu=$(awk -v t=$((after - before)) -v hz="$TICK" -v n="$completed" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  else
    cpu="-"
  fi
  printf '| %-8s | %-9s | %10.0f | %8s | %8.3f | %7s | %8s |\n' "$name" "${qps:-max}" "${rate:-0}" "${lost:-?}" \
    "$(awk -v a="${avg:-0}" 'BEGIN {print a*1000}')" "$p99" "$cpu"
}

for port in $PORTFW_PORT $PORTFW_ONE $NGINX_PORT $NGINX_ONE $PEN_PORT; do   # unmeasured: see WARMUP
  [ "$WARMUP" -gt 0 ] && dnsperf -s 127.0.0.1 -p "$port" -d "$WORK/queries.txt" -l "$WARMUP" -c 20 -q 2000 >/dev/null 2>&1 || true
done
echo "dnsperf: $SECONDS_PER_RUN s per run after $WARMUP s of warm-up, 20 clients; dnsmasq backend; $(nproc) cores;" \
  "JVM: ${PORTFW_JAVA_OPTS:-the defaults of bin/portfw}; $(date -u +%F)"
echo
echo '| path     | offered   |    q/s     |   lost   | avg ms   | p99 ms  | CPU µs/q |'
echo '|----------|-----------|------------|----------|----------|---------|----------|'
run direct $DNS_PORT "" ; run portfw $PORTFW_PORT $PORTFW_PID ; run nginx $NGINX_PORT "$NGINX_PID"
run pen $PEN_PORT $PEN_PID
run direct $DNS_PORT "" 10000 ; run portfw $PORTFW_PORT $PORTFW_PID 10000 ; run nginx $NGINX_PORT "$NGINX_PID" 10000
run pen $PEN_PORT $PEN_PID 10000
echo
echo 'A new session per query:'
echo
echo '| path     | offered   |    q/s     |   lost   | avg ms   | p99 ms  | CPU µs/q |'
echo '|----------|-----------|------------|----------|----------|---------|----------|'
run portfw $PORTFW_ONE $PORTFW_PID ; run nginx $NGINX_ONE "$NGINX_PID"
run portfw $PORTFW_ONE $PORTFW_PID 10000 ; run nginx $NGINX_ONE "$NGINX_PID" 10000
