-- A new TCP connection for every request: each request carries "Connection: close", the backend
-- closes after its response and wrk connects again. Through a proxy every request then costs an
-- accept, a backend connect and two closes, which is what this measures.
--
--   wrk -t2 -c50 -d10s --latency -s bench/wrk/new-connection.lua http://127.0.0.1:8080/small
--
-- Every closed connection leaves a socket in TIME_WAIT for a minute (on the side that closed
-- first); `ss -s` shows how many.

-- summary.lua (the closing line compare.sh reads) lies beside this script, wherever wrk runs from.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "summary.lua")

wrk.headers["Connection"] = "close"

-- After wrk's own report: the "portfw-bench key=value ..." line (summary.lua).
function done(summary, latency, requests)
  portfw_summary(summary, latency)
end
