-- A new TCP connection for every request: each request carries "Connection: close", the backend
-- closes after its response and wrk connects again. Through a proxy every request then costs an
-- accept, a backend connect and two closes, which is what this measures.
--
--   wrk -t2 -c50 -d10s --latency -s bench/wrk/new-connection.lua http://127.0.0.1:8080/small
--
-- Every closed connection leaves a socket in TIME_WAIT for a minute (on the side that closed
-- first); `ss -s` shows how many.

wrk.headers["Connection"] = "close"

-- Prints "portfw-bench key=value ..." after wrk's own report; latencies are in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "portfw-bench requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d " ..
    "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d status_errors=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.timeout, e.status))
end
