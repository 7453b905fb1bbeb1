// The dashboard's script: tables refreshed every 2 s from the admin API, charts of the last 15
// minutes from GET /api/v1/history (uPlot), and the live connections with a text filter.
"use strict";

const REFRESH_MS = 2000;
const HISTORY_MS = 5000;
const CHART_WIDTH = 230;
const CHART_HEIGHT = 110;

// What the page shows, kept where a person (or a test) can look at it from the console.
const portfw = window.portfw = { charts: new Map(), history: null };

let token = sessionStorage.getItem("portfw-token") || "";
let previous = { at: 0, bytes: new Map() };

function headers() {
  return token ? { "Authorization": "Bearer " + token } : {};
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({ headers: headers() }, options || {}));
  if (response.status === 401) {
    document.getElementById("auth").hidden = false;
    throw new Error("the admin API needs its token");
  }
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || ("HTTP " + response.status));
  return body;
}

function showError(e) {
  document.getElementById("error").textContent = e ? e.message : "";
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function rate(key, bytes, seconds) {
  const before = previous.bytes.get(key);
  previous.bytes.set(key, bytes);
  if (before === undefined || seconds <= 0) return "–";
  return human(Math.max(0, bytes - before) / seconds) + "B";
}

function human(n) {
  const units = ["", "K", "M", "G", "T"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return (i === 0 ? n.toFixed(0) : n.toFixed(1)) + " " + units[i];
}

function duration(ms) {
  if (ms < 1000) return ms + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
  if (ms < 3600000) return Math.floor(ms / 60000) + " m " + Math.floor(ms % 60000 / 1000) + " s";
  return Math.floor(ms / 3600000) + " h " + Math.floor(ms % 3600000 / 60000) + " m";
}

async function act(pool, address, action) {
  try {
    await api("/api/v1/pools/" + encodeURIComponent(pool) + "/backends/" + encodeURIComponent(address) + "/" + action,
      { method: "POST", headers: Object.assign({ "Content-Type": "application/json" }, headers()) });
    await refresh();
  } catch (e) {
    showError(e);
  }
}

/** The last check results as a strip of marks, green passed, red failed; the title says when, what and how long. */
function checkStrip(td, checks) {
  const strip = document.createElement("span");
  strip.className = "checks";
  for (const c of checks) {
    const mark = document.createElement("i");
    if (!c.passed) mark.className = "failed";
    mark.title = c.at + ": " + (c.passed ? "passed" : "failed") + ", " + c.detail + " (" + c.tookMs + " ms)";
    strip.appendChild(mark);
  }
  td.appendChild(strip);
  const last = checks[checks.length - 1];
  td.appendChild(document.createTextNode(last.detail + " · " + last.tookMs + " ms"));
}

function render(listeners, pools, status) {
  const now = performance.now();
  const seconds = previous.at ? (now - previous.at) / 1000 : 0;
  previous.at = now;
  document.getElementById("config").textContent = status.running + " · last reload: " + status.outcome
    + " (" + status.summary + ")";

  const lbody = document.querySelector("#listeners tbody");
  lbody.replaceChildren();
  for (const l of listeners.listeners) {
    const row = document.createElement("tr");
    row.dataset.listener = l.name;
    cell(row, l.name); cell(row, l.protocol); cell(row, l.listen); cell(row, l.pool);
    cell(row, l.active, "num"); cell(row, l.accepted, "num");
    cell(row, Object.values(l.refused).reduce((a, b) => a + b, 0), "num");
    cell(row, rate("l-in-" + l.name, l.bytesReceived, seconds), "num");
    cell(row, rate("l-out-" + l.name, l.bytesSent, seconds), "num");
    lbody.appendChild(row);
  }

  const bbody = document.querySelector("#backends tbody");
  bbody.replaceChildren();
  for (const p of pools.pools) {
    for (const b of p.backends) {
      const row = document.createElement("tr");
      row.className = "backend";
      row.dataset.pool = p.name;
      row.dataset.backend = b.address;
      row.dataset.state = b.state;
      if (b.runtime) row.dataset.runtime = b.runtime; // changed at runtime, not yet in the config file
      cell(row, p.name + " (" + p.balance + ")");
      cell(row, b.address + (b.backup ? " (backup)" : "") + (b.runtime ? " · runtime: " + b.runtime : ""));
      cell(row, b.weight, "num");
      cell(row, b.state + (b.ejected ? " · ejected" : ""), "state " + b.state);
      cell(row, b.active, "num"); cell(row, b.total, "num");
      cell(row, rate("b-out-" + p.name + b.address, b.bytesSent, seconds), "num");
      cell(row, rate("b-in-" + p.name + b.address, b.bytesReceived, seconds), "num");
      const checks = cell(row, b.recentChecks && b.recentChecks.length ? "" : "–", "check");
      if (b.recentChecks && b.recentChecks.length) checkStrip(checks, b.recentChecks);
      const ops = cell(row, "");
      const target = { drain: "draining", disable: "disabled", enable: "enabled" };
      for (const action of ["drain", "disable", "enable"]) {
        const button = document.createElement("button");
        button.textContent = action;
        button.dataset.action = action;
        button.disabled = b.adminState === target[action];
        button.addEventListener("click", () => act(p.name, b.address, action));
        ops.appendChild(button);
      }
      bbody.appendChild(row);
    }
  }
}

// ---- charts -------------------------------------------------------------------------------

const PALETTE = ["#0969da", "#bf3989", "#cf222e", "#1a7f37"];

/** The charts of a listener and of a backend: a title, its curves (name in the history, label) and the unit. */
const LISTENER_CHARTS = [
  { title: "connections/s", curves: [["connections", "new"]] },
  { title: "bytes/s", curves: [["bytesIn", "in"], ["bytesOut", "out"]], bytes: true },
  { title: "refused/s", curves: [["refused", "refused"]], colors: ["#cf222e"] },
  { title: "active connections", curves: [["active", "active"]], colors: ["#1a7f37"] },
];
const BACKEND_CHARTS = [
  { title: "connections/s", curves: [["connections", "new"]] },
  { title: "bytes/s", curves: [["bytesToBackend", "to"], ["bytesFromBackend", "from"]], bytes: true },
  { title: "active connections", curves: [["active", "active"]], colors: ["#1a7f37"] },
];

function chartOptions(spec) {
  const series = [{}];
  spec.curves.forEach(([, label], i) => series.push({
    label: label, stroke: (spec.colors || PALETTE)[i % PALETTE.length], width: 1.5, spanGaps: false,
    fill: (spec.colors || PALETTE)[i % PALETTE.length] + "1a", points: { size: 4 },
    value: (u, v) => v == null ? "–" : (spec.bytes ? human(v) + "B" : +v.toFixed(2)),
  }));
  return {
    width: CHART_WIDTH, height: CHART_HEIGHT, series: series,
    legend: { show: true, live: false },
    cursor: { show: true, points: { show: false } },
    scales: {
      // What the history holds (up to 15 minutes), at least a minute, ending at the newest sample.
      x: { time: true, range: (u, min, max) => [Math.max(max - windowSeconds(), Math.min(min, max - 60)), max] },
      y: { range: (u, min, max) => [0, Math.max(1, max)] },
    },
    axes: [
      { size: 24, font: "10px system-ui", values: (u, ticks) => ticks.map(t => new Date(t * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })) },
      { size: 44, font: "10px system-ui", values: (u, ticks) => ticks.map(t => spec.bytes ? human(t) : t) },
    ],
  };
}

function windowSeconds() {
  const h = portfw.history;
  return h ? h.intervalMs * h.slots / 1000 : 900;
}

function chartData(history, series, spec) {
  const data = [history.times.map(t => t / 1000)];
  for (const [name] of spec.curves) data.push(series[name]);
  return data;
}

/** One box of charts for a subject (a listener or a backend), made once, its data replaced at each refresh. */
function subjectCharts(container, key, heading, history, series, specs) {
  let box = container.querySelector("[data-subject='" + CSS.escape(key) + "']");
  if (!box) {
    box = document.createElement("div");
    box.className = "subject";
    box.dataset.subject = key;
    const h = document.createElement("h3");
    h.textContent = heading;
    box.appendChild(h);
    const row = document.createElement("div");
    row.className = "row";
    box.appendChild(row);
    container.appendChild(box);
    specs.forEach((spec, i) => {
      const holder = document.createElement("div");
      holder.className = "chart";
      holder.dataset.chart = spec.title;
      const title = document.createElement("div");
      title.className = "title";
      title.textContent = spec.title;
      holder.appendChild(title);
      row.appendChild(holder);
      portfw.charts.set(key + " " + spec.title, new uPlot(chartOptions(spec), chartData(history, series, spec), holder));
    });
  } else {
    specs.forEach(spec => portfw.charts.get(key + " " + spec.title).setData(chartData(history, series, spec)));
  }
  return box;
}

/** Charts of subjects that left (a reload removed them) are taken down with their box. */
function dropLeft(container, kept) {
  for (const box of Array.from(container.children)) {
    if (kept.has(box.dataset.subject)) continue;
    for (const [name, chart] of portfw.charts) {
      if (name.startsWith(box.dataset.subject + " ")) { chart.destroy(); portfw.charts.delete(name); }
    }
    box.remove();
  }
}

async function refreshHistory() {
  try {
    const history = await api("/api/v1/history");
    portfw.history = history;
    const lc = document.getElementById("listener-charts");
    const lkept = new Set();
    for (const l of history.listeners) {
      const key = "listener " + l.name;
      lkept.add(key);
      subjectCharts(lc, key, "listener " + l.name, history, l.series, LISTENER_CHARTS);
    }
    dropLeft(lc, lkept);
    const bc = document.getElementById("backend-charts");
    const bkept = new Set();
    for (const b of history.backends) {
      const key = "backend " + b.pool + " " + b.address;
      bkept.add(key);
      subjectCharts(bc, key, "pool " + b.pool + " · backend " + b.address, history, b.series, BACKEND_CHARTS);
    }
    dropLeft(bc, bkept);
  } catch (e) {
    showError(e);
  }
}

// ---- connections --------------------------------------------------------------------------

const CONNECTIONS_SHOWN = 500;
let connections = { total: 0, connections: [] };

function renderConnections() {
  const text = document.getElementById("connection-filter").value.trim().toLowerCase();
  const matching = connections.connections.filter(c => !text
    || [c.client, c.listener, c.backend || "", c.pool].some(v => v.toLowerCase().includes(text)));
  const body = document.querySelector("#connections tbody");
  body.replaceChildren();
  for (const c of matching) {
    const row = document.createElement("tr");
    row.dataset.connection = c.id;
    cell(row, c.id, "num"); cell(row, c.protocol); cell(row, c.listener); cell(row, c.client); cell(row, c.pool);
    cell(row, c.backend || "–"); cell(row, duration(c.ageMs), "num"); cell(row, duration(c.idleMs), "num");
    cell(row, human(c.bytesFromClient) + "B", "num"); cell(row, human(c.bytesFromBackend) + "B", "num");
    body.appendChild(row);
  }
  document.getElementById("connection-count").textContent = matching.length + " shown of " + connections.total
    + " live" + (connections.total > connections.connections.length ? " (the first " + connections.shown + " read)" : "");
}

async function refreshConnections() {
  connections = await api("/api/v1/connections?limit=" + CONNECTIONS_SHOWN);
  renderConnections();
}

// ---- cluster (only with the config key cluster) -------------------------------------------

function renderCluster(cluster) {
  const section = document.getElementById("cluster");
  section.hidden = !cluster.enabled;
  if (!cluster.enabled) return;
  document.getElementById("cluster-name").textContent = cluster.name;
  const state = document.getElementById("cluster-state");
  state.textContent = cluster.message;
  state.className = cluster.state === "alone" ? "state-alone" : "meta";
  const body = document.querySelector("#cluster-members tbody");
  body.replaceChildren();
  for (const m of cluster.members) {
    const row = document.createElement("tr");
    cell(row, m.address + (m.self ? " (this one)" : ""));
    cell(row, m.id);
    cell(row, m.version);
    cell(row, m.configHash + (m.sameConfig ? "" : " (differs)"), m.sameConfig ? "" : "differs");
    cell(row, m.self ? "–" : duration(m.lastContactMs), "num");
    cell(row, m.self ? "–" : m.lagMs + " ms", "num");
    body.appendChild(row);
  }
}

// ---- refresh ------------------------------------------------------------------------------

async function refresh() {
  try {
    const [listeners, pools, status, cluster] = await Promise.all(
      [api("/api/v1/listeners"), api("/api/v1/pools"), api("/api/v1/config/status"), api("/api/v1/cluster")]);
    render(listeners, pools, status);
    renderCluster(cluster);
    await refreshConnections();
    showError(null);
    document.getElementById("refreshed").textContent = new Date().toLocaleTimeString();
  } catch (e) {
    showError(e);
  }
}

document.getElementById("auth").addEventListener("submit", event => {
  event.preventDefault();
  token = document.getElementById("token").value.trim();
  sessionStorage.setItem("portfw-token", token);
  document.getElementById("auth").hidden = true;
  refresh();
  refreshHistory();
});
document.getElementById("connection-filter").addEventListener("input", renderConnections);

refresh();
refreshHistory();
setInterval(refresh, REFRESH_MS);
setInterval(refreshHistory, HISTORY_MS);
