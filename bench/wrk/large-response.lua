-- Large responses over keep-alive connections: bulk data through the proxy in HTTP form, many
-- connections at once (iperf3 measures one or a few streams). With no path in the URL it fetches
-- /large, the 1 MiB file bench/compare.sh serves.
--
--   wrk -t2 -c50 -d10s --latency -s bench/wrk/large-response.lua http://127.0.0.1:8080/
--   wrk -t2 -c50 -d10s -s bench/wrk/large-response.lua http://127.0.0.1:8080/some/other/file

-- summary.lua (the closing line compare.sh reads) lies beside this script, wherever wrk runs from.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")

if wrk.path == "/" then
  wrk.path = "/large"
end
wrk.headers["Connection"] = "keep-alive"

-- Prints the throughput in Gbit/s (response bytes, headers included), then the same
-- "portfw-bench key=value ..." line as the other scripts; latencies are in microseconds.
function done(summary, latency, requests)
  io.write(string.format("Throughput: %.2f Gbit/s\n", summary.bytes * 8 / (summary.duration * 1000)))
  portfw_summary(summary, latency)
end
