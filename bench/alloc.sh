#!/usr/bin/env bash
# Bytes portfw's event loops allocate per proxied flow, read from JFR (jdk.ThreadAllocationStatistics)
# over a window of steady load:
#
#   bench/alloc.sh tcp [JAR]    # per new TCP connection, under compare.sh's new-connection load
#   bench/alloc.sh udp [JAR]    # per DNS query, dnsperf flat out through a UDP listener to dnsmasq
#
# JAR defaults to core/target/portfw.jar (PORTFW_JAVA_OPTS as for bin/portfw). Uses the ports of
# compare.sh (TCP) or 28353-28356 (UDP) on 127.0.0.1. Prints one line: flows, bytes, bytes per flow.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
KIND=${1:?tcp or udp}
JAR=$(realpath "${2:-core/target/portfw.jar}")
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

# event_loop_bytes JFR: bytes allocated by the event-loop threads between the recording's first and last statistics
event_loop_bytes() {
  jfr print --events jdk.ThreadAllocationStatistics "$1" | python3 -c '
import re, sys
first, last, value = {}, {}, None
for line in sys.stdin:
    m = re.search(r"allocated = ([0-9.]+) (bytes|kB|MB|GB)", line)
    if m:
        value = float(m.group(1)) * {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}[m.group(2)]
    t = re.search(r"thread = \"([^\"]+)\"", line)
    if t and value is not None:
        if "eventloop" in t.group(1):
            first.setdefault(t.group(1), value)
            last[t.group(1)] = value
        value = None
print(int(sum(last[k] - first[k] for k in last)))'
}
counter() {   # counter ADMIN_PORT FIELD: a counter of the first listener, from the admin API
  curl -s "127.0.0.1:$1/api/v1/listeners" | python3 -c "import json, sys; print(json.load(sys.stdin)['listeners'][0]['$2'])"
}

if [ "$KIND" = tcp ]; then
  PORTFW_JAR=$JAR TESTS=newconn TARGETS=portfw DURATION=20 REPS=1 WARMUP=10 bash bench/compare.sh >/dev/null 2>&1 &
  for _ in $(seq 1 300); do ss -Hltn "( sport = :26030 )" | grep -q . && break; sleep 0.1; done
  sleep 15                                        # the warm-up and the first seconds of the measured run
  ADMIN=26032
  pid=$(ss -Hltnp "( sport = :26030 )" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
  before=$(counter $ADMIN accepted)
  jcmd "$pid" JFR.start name=alloc settings=profile filename="$WORK/a.jfr" >/dev/null
  sleep 6
  jcmd "$pid" JFR.stop name=alloc >/dev/null
  after=$(counter $ADMIN accepted)
else
  for i in $(seq 1 50); do echo "www$i.bench.test A"; done > "$WORK/q.txt"
  dnsmasq --keep-in-foreground --conf-file=/dev/null --port=28353 --listen-address=127.0.0.1 --bind-interfaces \
    --no-resolv --no-hosts --pid-file= --user=root --group=root --cache-size=0 \
    $(for i in $(seq 1 50); do printf -- '--host-record=www%s.bench.test,10.0.%s.1 ' "$i" "$i"; done) &
  cat > "$WORK/p.json" <<JSON
{ "admin": { "listen": "127.0.0.1:28356" },
  "listeners": [ { "name": "dns", "protocol": "udp", "listen": "127.0.0.1:28354", "pool": "dns" } ],
  "pools": [ { "name": "dns", "backends": [ { "address": "127.0.0.1:28353" } ] } ] }
JSON
  PORTFW_JAR=$JAR bin/portfw run --no-watch --config "$WORK/p.json" >"$WORK/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do curl -s 127.0.0.1:28356/healthz >/dev/null && break; sleep 0.1; done
  dnsperf -s 127.0.0.1 -p 28354 -d "$WORK/q.txt" -l 8 -c 20 -q 2000 >/dev/null 2>&1   # warm-up
  ADMIN=28356
  before=$(counter $ADMIN datagramsReceived)
  jcmd "$pid" JFR.start name=alloc settings=profile filename="$WORK/a.jfr" >/dev/null
  dnsperf -s 127.0.0.1 -p 28354 -d "$WORK/q.txt" -l 5 -c 20 -q 2000 >/dev/null 2>&1
  jcmd "$pid" JFR.stop name=alloc >/dev/null
  after=$(counter $ADMIN datagramsReceived)
fi
bytes=$(event_loop_bytes "$WORK/a.jfr")
flows=$((after - before))
echo "$KIND: $flows flows, $bytes bytes allocated by the event loops, $((bytes / (flows > 0 ? flows : 1))) bytes per flow"
