-- Keep-alive HTTP/1.1 requests: each of wrk's connections sends request after request on the
-- same socket, so the figure is the proxy's cost per request relayed, not per connection.
--
--   wrk -t2 -c50 -d10s --latency -s bench/wrk/keepalive.lua http://127.0.0.1:8080/small
--
-- wrk already keeps connections alive; this script only makes that explicit and adds one
-- machine-readable summary line (see done() below), which bench/compare.sh reads.

-- summary.lua (the closing line compare.sh reads) lies beside this script, wherever wrk runs from.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")

wrk.headers["Connection"] = "keep-alive"

-- After wrk's own report: the "portfw-bench key=value ..." line (summary.lua).
function done(summary, latency, requests)
  portfw_summary(summary, latency)
end
