// The live page: listens to /events (server-sent events, pushed as the run writes its files) and
// draws with plain SVG. Steering buttons POST a wish to /control, which writes control.json.
"use strict";

const params = new URLSearchParams(location.search);
const TOKEN = params.get("token");
const RUN = params.get("run") || "";
// The report's colours (harness/report/draw/style.py ACTIVATION_COLORS).
const COLORS = {sigmoid: "#d62728", tanh: "#ff7f0e", relu: "#1f77b4", leaky_relu: "#17becf",
  elu: "#2ca02c", gelu: "#9467bd", swish: "#e377c2", selu: "#8c564b", linear: "#7f7f7f",
  step: "#222222"};
const SVGNS = "http://www.w3.org/2000/svg";

const S = {kind: null, config: {}, columns: null, history: [], grads: {}, layers: [],
  time: {}, boundary: null, points: null, control: null, steering: [], summary: null,
  runs: [], ended: false};

function url(path, extra) {
  const q = new URLSearchParams(extra || {});
  if (RUN) q.set("run", RUN);
  if (TOKEN) q.set("token", TOKEN);
  return path + "?" + q.toString();
}

function el(tag, attrs, parent) {
  const e = document.createElementNS(SVGNS, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function card(id, title, sub) {
  let c = document.getElementById(id);
  if (!c) {
    c = document.createElement("div");
    c.className = "card"; c.id = id;
    c.innerHTML = "<h2></h2><p class='sub'></p><div class='body'></div>";
    document.getElementById("cards").appendChild(c);
  }
  c.querySelector("h2").textContent = title;
  c.querySelector(".sub").textContent = sub || "";
  const body = c.querySelector(".body");
  body.innerHTML = "";
  return body;
}

// A line chart: series [{name, color, dash, points: [[x, y], ...]}], optional log y with
// limits in whole decades (fixed once data spans them, as the report's shared scales).
function chart(parent, series, opt) {
  const W = opt.width || 420, H = opt.height || 240, L = 58, R = 10, T = 10, B = 34;
  const svg = el("svg", {width: W, height: H}, parent);
  let xs = [], ys = [];
  for (const s of series) for (const p of s.points) {
    if (p[1] === null || !isFinite(p[1]) || (opt.log && p[1] <= 0)) continue;
    xs.push(p[0]); ys.push(opt.log ? Math.log10(p[1]) : p[1]);
  }
  if (!xs.length) { el("text", {x: L, y: H / 2}, svg).textContent = "no data yet"; return svg; }
  let x0 = opt.xmin !== undefined ? opt.xmin : Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  let y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (opt.ylim) { [y0, y1] = opt.ylim; }
  else if (opt.log) { y0 = Math.floor(y0); y1 = Math.max(Math.ceil(y1), y0 + 1); }
  else { const pad = (y1 - y0) * 0.08 || 0.5; y0 -= pad; y1 += pad; }
  const X = v => L + (v - x0) / (x1 - x0) * (W - L - R);
  const Y = v => T + (1 - (v - y0) / (y1 - y0)) * (H - T - B);
  el("rect", {x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", stroke: "#ccc"}, svg);
  const yt = opt.log ? range(y0, y1, Math.max(1, Math.ceil((y1 - y0) / 6))) : ticks(y0, y1);
  for (const v of yt) {
    el("line", {x1: L, x2: W - R, y1: Y(v), y2: Y(v), stroke: "#eee"}, svg);
    el("text", {x: L - 4, y: Y(v) + 4, "text-anchor": "end"}, svg).textContent =
      opt.log ? "1e" + v : fmt(v);
  }
  const xt = opt.xticks || ticks(x0, x1).filter(v => Number.isInteger(v));
  for (const v of xt) {
    el("text", {x: X(v), y: H - B + 14, "text-anchor": "middle"}, svg).textContent =
      opt.xlabels ? opt.xlabels[v] : v;
  }
  el("text", {x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle"}, svg).textContent = opt.xlabel;
  const yl = el("text", {x: 12, y: (T + H - B) / 2, "text-anchor": "middle",
    transform: `rotate(-90 12 ${(T + H - B) / 2})`}, svg);
  yl.textContent = opt.ylabel;
  for (const s of series) {
    const pts = s.points.filter(p => p[1] !== null && isFinite(p[1]) && (!opt.log || p[1] > 0));
    const step = Math.max(1, Math.floor(pts.length / 600));  // long runs: a point per pixel
    const d = pts.filter((p, i) => i % step === 0 || i === pts.length - 1)
      .map((p, i) => (i ? "L" : "M") + X(p[0]).toFixed(1) + "," +
           Y(opt.log ? Math.log10(p[1]) : p[1]).toFixed(1)).join("");
    if (d) el("path", {d, fill: "none", stroke: s.color, "stroke-width": s.width || 1.6,
      "stroke-dasharray": s.dash || "", opacity: s.opacity || 1}, svg);
    if (s.marker || pts.length < 3) for (const p of pts) el("circle", {cx: X(p[0]),
      cy: Y(opt.log ? Math.log10(p[1]) : p[1]), r: 3, fill: s.color}, svg);
  }
  let ly = T + 12;
  for (const s of series.filter(s => s.name)) {
    el("line", {x1: W - R - 110, x2: W - R - 92, y1: ly - 4, y2: ly - 4, stroke: s.color,
      "stroke-width": 2, "stroke-dasharray": s.dash || ""}, svg);
    el("text", {x: W - R - 88, y: ly}, svg).textContent = s.name;
    ly += 13;
  }
  return svg;
}

function range(a, b, step) { const out = []; for (let v = a; v <= b + 1e-9; v += step) out.push(v); return out; }
function ticks(a, b) {
  const span = b - a || 1, mag = Math.pow(10, Math.floor(Math.log10(span / 5)));
  const step = [1, 2, 5, 10].map(m => m * mag).find(s => span / s <= 6);
  return range(Math.ceil(a / step) * step, b, step).map(v => +v.toPrecision(6));
}
function fmt(v) { return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-2 && v) ? v.toExponential(1) : +v.toPrecision(3); }
function activation() { const a = S.config["model.activation"]; return Array.isArray(a) ? a.join("+") : (a || ""); }
function color(name) { return COLORS[name] || "#555"; }
// Blue (class 0) to orange (class 1), the Playground's palette.
function heat(v) {
  const t = Math.max(0, Math.min(1, v)), a = [8, 119, 189], b = [245, 147, 34];
  const m = t < 0.5 ? [a, [232, 234, 235], t * 2] : [[232, 234, 235], b, (t - 0.5) * 2];
  return "rgb(" + [0, 1, 2].map(i => Math.round(m[0][i] + (m[1][i] - m[0][i]) * m[2])).join(",") + ")";
}

function apply(news) {
  if (news.config) S.config = news.config;
  if (news.history) { S.columns = news.history.columns; S.history.push(...news.history.rows); }
  for (const [epoch, layer, metric, value] of news.grads || []) {
    if (S.metric && metric !== S.metric) continue;
    S.metric = S.metric || metric;
    if (!S.layers.includes(layer)) S.layers.push(layer);
    (S.grads[epoch] = S.grads[epoch] || {})[layer] = value;
  }
  for (const [epoch, layer, step, value] of news.timesteps || [])
    ((S.time[epoch] = S.time[epoch] || {})[layer] = S.time[epoch][layer] || [])[step - 1] = value;
  if ("boundary" in news) S.boundary = news.boundary;
  if ("points" in news) S.points = news.points;
  if ("control" in news) S.control = news.control;
  if (news.meta) S.steering = news.meta.steering || [];
  if ("summary" in news) S.summary = news.summary;
  if (news.runs) S.runs = news.runs;
}

function drawRun() {
  const cols = S.columns || [], h = S.history, epochs = h.length;
  const c = n => cols.indexOf(n);
  const cfg = S.config;
  document.getElementById("config").textContent = Object.entries(cfg).map(([k, v]) => k + "=" + v).join("  ");
  const state = S.summary ? "ended" : ((S.control && S.control.state) || "running");
  const total = cfg["train.epochs"] || "?";
  const lr = c("learning_rate") >= 0 && epochs ? h[epochs - 1][c("learning_rate")] : cfg["train.learning_rate"];
  let text = `<b class="${state}">${S.summary ? "ended: " + S.summary.status : state}</b>` +
    ` &middot; epoch <span id="epoch">${epochs}</span> of ${total} &middot; learning rate ${lr !== undefined ? fmt(lr) : "?"}`;
  if (S.steering.length) text += ` &middot; steered ${S.steering.length} time(s)`;
  if (S.summary) text += ` &middot; this page no longer updates` +
    (S.summary.status === "completed" ? ` &middot; <a href="${url("files/" + (RUN ? RUN + "/" : "") + "report.html")}">report</a>` : "");
  document.getElementById("status").innerHTML = text;
  document.body.dataset.epochs = epochs;
  document.body.dataset.state = state;
  document.getElementById("controls").hidden = !!S.summary;
  const loss = ["loss", "val_loss"].filter(n => c(n) >= 0);
  chart(card("c-loss", "Loss", "training (solid) and validation (dashed), per epoch"),
    loss.map((n, i) => ({name: n, color: i ? "#888" : color(activation()), dash: i ? "4 3" : "",
      points: h.map(r => [r[0], r[c(n)]])})), {xlabel: "epoch", ylabel: "loss", xmin: 0});
  const acc = ["accuracy", "val_accuracy"].filter(n => c(n) >= 0);
  if (!acc.length && S.columns && document.getElementById("c-acc")) document.getElementById("c-acc").remove();
  if (acc.length || !S.columns) chart(card("c-acc", "Accuracy", "training (solid) and validation (dashed)"),
    acc.map((n, i) => ({name: n, color: i ? "#888" : color(activation()), dash: i ? "4 3" : "",
      points: h.map(r => [r[0], r[c(n)]])})), {xlabel: "epoch", ylabel: "accuracy", xmin: 0});
  drawGrads();
  drawTime();
  drawBoundary();
}

function allGradValues() {
  const v = [];
  for (const e in S.grads) for (const l in S.grads[e]) if (S.grads[e][l] > 0) v.push(Math.log10(S.grads[e][l]));
  return v.length ? [Math.floor(Math.min(...v)), Math.max(Math.ceil(Math.max(...v)), Math.floor(Math.min(...v)) + 1)] : null;
}

function drawGrads() {
  const epochs = Object.keys(S.grads).map(Number).sort((a, b) => a - b);
  if (!epochs.length) return;
  const first = epochs[0], last = epochs[epochs.length - 1], ylim = allGradValues();
  const hidden = S.layers.filter(l => l !== "output");
  const byLayer = e => S.layers.map((l, i) => [i, S.grads[e][l]]);
  const r = S.grads[last][hidden[0]] / S.grads[last][hidden[hidden.length - 1]];
  chart(card("c-grads", `Gradient size per layer (${S.metric})`,
    `epoch ${first} dashed, epoch ${last} solid; one log scale for every epoch. ` +
    (hidden.length > 1 && isFinite(r) ? `first / last hidden layer: ${r.toExponential(1)} now` : "")),
    [{name: "epoch " + first, color: color(activation()), dash: "5 3", opacity: 0.6, marker: 1, points: byLayer(first)},
     {name: "epoch " + last, color: color(activation()), marker: 1, points: byLayer(last)}],
    {log: true, ylim, xlabel: "layer (input side first)", ylabel: S.metric, xticks: S.layers.map((l, i) => i),
     xlabels: S.layers.map(l => l.replace("hidden_", "").replace("output", "out")), xmin: 0});
  const n = S.layers.length;
  chart(card("c-gradtime", "Gradient size over epochs", "one line per layer: light = first, dark = last"),
    S.layers.map((l, i) => ({name: i === 0 || i === n - 1 ? l : "", color: `hsl(215, 70%, ${80 - 60 * i / Math.max(1, n - 1)}%)`,
      points: epochs.map(e => [e, S.grads[e][l]])})), {log: true, ylim, xlabel: "epoch", ylabel: S.metric, xmin: 0});
}

function drawTime() {
  const epochs = Object.keys(S.time).map(Number).sort((a, b) => a - b);
  if (!epochs.length) return;
  const first = epochs[0], last = epochs[epochs.length - 1];
  const series = [];
  for (const layer of Object.keys(S.time[last])) for (const [e, dash] of [[first, "5 3"], [last, ""]]) {
    const v = (S.time[e] || {})[layer] || [];
    series.push({name: `${layer} epoch ${e}`, color: color(activation()), dash, opacity: dash ? 0.6 : 1,
      points: v.map((y, t) => [t + 1, y])});
  }
  chart(card("c-time", "||dL/dh_t|| over the steps", "how far back the error signal reaches: " +
    "step 1 is the first input; log scale"), series, {log: true, xlabel: "step t", ylabel: "||dL/dh_t||", xmin: 1});
}

function drawBoundary() {
  const b = S.boundary;
  if (!b) return;
  const body = card("c-boundary", `Decision boundary, epoch ${b.epoch}`, "the model's output over the input plane " +
    "(blue: class 0, orange: class 1); dots: training points");
  const W = 260, n1 = b.x1.length, n2 = b.x2.length, svg = el("svg", {width: W, height: W}, body);
  const cw = W / n1, ch = W / n2, k = b.classes > 2 ? 1 / (b.classes - 1) : 1;
  b.value.forEach((v, i) => el("rect", {x: (i % n1) * cw, y: W - (Math.floor(i / n1) + 1) * ch,
    width: cw + 0.5, height: ch + 0.5, fill: heat(v * k)}, svg));
  const X = v => (v - b.x1[0]) / (b.x1[n1 - 1] - b.x1[0]) * W, Y = v => W - (v - b.x2[0]) / (b.x2[n2 - 1] - b.x2[0]) * W;
  for (const [x, y, c] of S.points || []) el("circle", {cx: X(x), cy: Y(y), r: 2.2,
    fill: heat(c * k), stroke: "#fff", "stroke-width": 0.6}, svg);
  const units = card("c-units", `Hidden units, epoch ${b.epoch}`, "each unit's output over the same plane " +
    "(Playground's view; at most 8 per layer)");
  const box = document.createElement("div"); box.className = "units"; units.appendChild(box);
  for (const [layer, maps] of Object.entries(b.units)) {
    const row = document.createElement("div"); row.textContent = layer; box.appendChild(row);
    for (const m of maps) {
      const lo = Math.min(...m), hi = Math.max(...m), s = el("svg", {width: 40, height: 40}, row);
      m.forEach((v, i) => el("rect", {x: (i % 10) * 4, y: 36 - Math.floor(i / 10) * 4, width: 4.3, height: 4.3,
        fill: heat(hi > lo ? (v - lo) / (hi - lo) : 0.5)}, s));
    }
  }
}

function drawSweep() {
  const runs = S.runs, done = runs.filter(r => r.status).length;
  document.getElementById("status").innerHTML = `<b class="${S.ended ? "ended" : "running"}">${S.ended ? "ended" : "running"}</b>` +
    ` &middot; ${done} of the ${runs.length} runs started so far finished` + (S.ended ? " &middot; this page no longer updates" : "");
  document.body.dataset.state = S.ended ? "ended" : "running";
  document.body.dataset.epochs = runs.reduce((a, r) => a + r.epochs_done, 0);
  const body = card("c-runs", "Runs", "progress of every run; a name opens its own live page");
  const t = document.createElement("table"); body.appendChild(t);
  t.innerHTML = "<tr><th>run</th><th>progress</th><th>status</th><th>vanishing ratio (init)</th><th>test acc.</th></tr>";
  for (const r of runs) {
    const total = r.config["train.epochs"] || 1, tr = t.insertRow();
    const a = document.createElement("a"); a.href = url("", {run: (RUN ? RUN + "/" : "") + r.path}); a.textContent = r.path;
    tr.insertCell().appendChild(a);
    tr.insertCell().innerHTML = `<span class="bar"><span style="width:${Math.min(100, 100 * r.epochs_done / total)}%"></span></span> ${r.epochs_done}/${total}`;
    tr.insertCell().textContent = r.status || "training";
    tr.insertCell().textContent = r.vanishing_ratio_init != null ? r.vanishing_ratio_init.toExponential(1) : "";
    tr.insertCell().textContent = r.test_accuracy != null ? r.test_accuracy.toFixed(3) : "";
  }
  const groups = {};
  for (const r of runs) if (r.vanishing_ratio_init > 0 && r.config["model.depth"] !== undefined) {
    const a = [].concat(r.config["model.activation"]).join("+");
    (groups[a] = groups[a] || []).push([r.config["model.depth"], r.vanishing_ratio_init]);
  }
  chart(card("c-ratio", "Vanishing ratio by depth (finished runs)", "grad size of the first hidden layer / the last, " +
    "at initialisation; 1 = no vanishing; each dot a run (seeds apart)"),
    Object.entries(groups).map(([a, pts]) => ({name: a, color: color(a), marker: 1, width: 0.8,
      points: pts.sort((p, q) => p[0] - q[0])})), {log: true, xlabel: "depth", ylabel: "vanishing ratio"});
}

function draw() { if (S.kind === "sweep") drawSweep(); else drawRun(); }

async function send(wish) {
  const note = document.getElementById("note");
  const r = await fetch(url("control"), {method: "POST", body: JSON.stringify(wish)});
  const j = await r.json();
  note.textContent = r.ok ? "" : j.error;
  if (r.ok) { S.control = j; draw(); }
}

function listen() {
  const src = new EventSource(url("events"));
  src.addEventListener("hello", e => { S.kind = JSON.parse(e.data).kind; draw(); });
  src.onmessage = e => { apply(JSON.parse(e.data)); draw(); };
  src.addEventListener("end", () => { S.ended = true; src.close(); draw(); });
  src.onerror = () => {
    if (S.ended) return;
    src.close();  // no reconnect loop: say so once and stop
    document.getElementById("status").innerHTML += " &middot; <b>the page server has stopped</b>; reload to try again";
    document.body.dataset.state = "disconnected";
  };
}

document.getElementById("pause").onclick = () => send({state: "paused"});
document.getElementById("resume").onclick = () => send({state: "running"});
document.getElementById("step").onclick = () => send({state: "step"});
document.getElementById("stop").onclick = () => send({state: "stopped"});
document.getElementById("setlr").onclick = () => send({learning_rate: parseFloat(document.getElementById("lr").value)});
listen();
