-- Large responses over keep-alive connections: bulk data through the proxy in HTTP form, many
-- connections at once (iperf3 measures one or a few streams). With no path in the URL it fetches
-- /large, the 1 MiB file bench/compare.sh serves.
--
--   wrk -t2 -c50 -d10s --latency -s bench/wrk/large-response.lua http://127.0.0.1:8080/
--   wrk -t2 -c50 -d10s -s bench/wrk/large-response.lua http://127.0.0.1:8080/some/other/file

if wrk.path == "/" then
  wrk.path = "/large"
end
wrk.headers["Connection"] = "keep-alive"

-- Prints the throughput in Gbit/s (response bytes, headers included), then the same
-- "portfw-bench key=value ..." line as the other scripts; latencies are in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("Throughput: %.2f Gbit/s\n", summary.bytes * 8 / (summary.duration * 1000)))
  io.write(string.format(
    "portfw-bench requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d " ..
    "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d status_errors=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
