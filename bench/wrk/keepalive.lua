-- Keep-alive HTTP/1.1 requests: each of wrk's connections sends request after request on the
-- same socket, so the figure is the proxy's cost per request relayed, not per connection.
--
--   wrk -t2 -c50 -d10s --latency -s bench/wrk/keepalive.lua http://127.0.0.1:8080/small
--
-- wrk already keeps connections alive; this script only makes that explicit and adds one
-- machine-readable summary line (see done() below), which bench/compare.sh reads.

wrk.headers["Connection"] = "keep-alive"

-- Prints "portfw-bench key=value ..." after wrk's own report; latencies are in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "portfw-bench requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d " ..
    "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d status_errors=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
