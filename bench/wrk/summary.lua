-- The one machine-readable line every script here ends wrk's report with, which bench/compare.sh
-- reads: "portfw-bench key=value ...", latencies in microseconds. Loaded by the scripts beside it.

function portfw_summary(summary, latency)
  local e = summary.errors
  io.write(string.format(
    "portfw-bench requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d " ..
    "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d status_errors=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
