// paperreview web page: upload, poll, render. No framework, no CDN; all text set via textContent.
"use strict";
const API = "/api/v1";
const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") n.textContent = v; else n.setAttribute(k, v);
  }
  for (const k of kids) if (k) n.append(k);
  return n;
};
async function errorText(resp) {
  try {
    const j = await resp.json();
    const e = j.error || {};
    return (e.message || resp.statusText) + (e.hint ? " — " + e.hint : "");
  } catch (_) { return resp.status + " " + resp.statusText; }
}

// ------------------------------------------------------------------ upload page
function initSuggest() {
  const form = $("suggest-form");
  if (!form) return;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const err = $("suggest-error"), out = $("suggest-result");
    err.hidden = true;
    const abstract = $("abstract").value.trim();
    if (!abstract) { err.textContent = "Paste an abstract first."; err.hidden = false; $("abstract").focus(); return; }
    $("suggest-submit").disabled = true;
    const resp = await fetch(API + "/suggest", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({abstract: abstract, n_titles: 3})});
    $("suggest-submit").disabled = false;
    if (!resp.ok) { err.textContent = await errorText(resp); err.hidden = false; return; }
    const j = await resp.json();
    const list = $("titles");
    list.replaceChildren(...j.titles.map((t) => el("li", {text: t})));
    $("keywords").textContent = j.keywords.join(", ");
    $("suggest-source").textContent = j.source === "model" ? "From the server's model." :
      "Offline baselines (no model configured): the abstract's first sentence as a title, YAKE keywords.";
    out.hidden = false;
  });
}

async function initUpload() {
  initSuggest();
  const opts = await (await fetch(API + "/options")).json();
  const fill = (id, values, labels) => {
    const s = $(id);
    values.forEach((v, i) => s.append(el("option", {value: v, text: labels ? labels[i] : v})));
  };
  fill("venue", opts.venues);
  fill("template", opts.templates);
  fill("method", ["auto"].concat(opts.methods));
  if (opts.models.length) fill("model", [""].concat(opts.models), ["server default"].concat(opts.models));
  else { fill("model", [""], ["none: offline checks (or paste a key)"]); }
  $("max-mb").textContent = opts.max_upload_mb + " MB, " + opts.max_pages + " pages";
  const drop = $("drop-zone"), input = $("file");
  const show = () => { $("chosen").textContent = input.files[0] ? "Chosen: " + input.files[0].name : ""; };
  input.addEventListener("change", show);
  drop.addEventListener("click", () => input.click());
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
  ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.remove("over"); }));
  drop.addEventListener("drop", (e) => { if (e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); } });
  $("upload-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const err = $("form-error");
    err.hidden = true;
    if (!input.files[0]) { err.textContent = "Choose a PDF first."; err.hidden = false; input.focus(); return; }
    const fd = new FormData($("upload-form"));
    $("submit").disabled = true;
    $("submit").textContent = "Uploading…";
    const resp = await fetch(API + "/reviews", {method: "POST", body: fd});
    $("submit").disabled = false;
    $("submit").textContent = "Review";
    if (resp.status !== 202) { err.textContent = await errorText(resp); err.hidden = false; return; }
    const j = await resp.json();
    window.location.href = j.page_url;
  });
}

// ------------------------------------------------------------------ review page
const SEVERITIES = ["critical", "major", "moderate", "minor"];
function jobId() { return window.location.pathname.split("/").filter(Boolean).pop(); }

async function initReview() {
  const id = jobId();
  let delay = 500;
  for (;;) {
    const resp = await fetch(API + "/reviews/" + id);
    if (!resp.ok) { showError(await errorText(resp)); return; }
    const job = await resp.json();
    showStatus(job);
    if (job.status === "done") { renderReview(id, job); return; }
    if (job.status === "failed") { showError("The review failed: " + (job.error || "unknown error")); return; }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 3000);
  }
}
function showError(msg) { const e = $("job-error"); e.textContent = msg; e.hidden = false; $("status-line").textContent = "Failed"; }
function showStatus(job) {
  const p = job.progress || {};
  $("title").textContent = job.filename || "Review";
  $("status-line").textContent = job.status === "done" ? "Done" :
    (job.status.charAt(0).toUpperCase() + job.status.slice(1)) + (p.message ? ": " + p.message : "");
  const order = ["queued", "parse", "checks", "model", "render", "done"];
  const at = order.indexOf(p.stage === "failed" ? "queued" : p.stage);
  document.querySelectorAll("#stages li").forEach((li) => {
    const i = order.indexOf(li.dataset.stage);
    li.className = job.status === "done" || i < at ? "done" : (i === at ? "current" : "");
    if (i === at && job.status !== "done") li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
  });
}
function renderReview(id, job) {
  const r = job.review || {};
  $("status-box").classList.add("finished");
  const hidden = r.hidden_text || [];
  const phrases = hidden.filter((h) => (h.text || "").trim().split(/\s+/).length >= 3);
  if (phrases.length) {
    const b = $("banner");
    b.append(el("strong", {text: "Hidden text found in this PDF. "}),
      el("span", {text: "It is invisible to a reader (" + [...new Set(phrases.map((h) => h.reason))].join(", ") +
        ") and was kept away from any model. It may be an instruction aimed at LLM reviewers planted by an author, or a venue's own canary: check it before you submit."}),
      el("blockquote", {text: phrases.slice(0, 3).map((h) => "p." + h.page + ": " + h.text).join("\n")}));
    b.hidden = false;
  }
  const dl = $("downloads");
  const names = {"review.json": "JSON", "report.md": "Markdown", "annotated.pdf": "Annotated PDF"};
  for (const [k, url] of Object.entries(job.downloads || {})) dl.append(el("a", {href: url, class: "button", download: "", text: "Download " + names[k]}));
  const comments = (r.comments || []).map((c, i) => Object.assign({index: i}, c)).filter((c) => c.status !== "rejected");
  $("summary").textContent = comments.length + " comment(s)" + (r.model ? " — model " + r.model : " — offline analysis (no model)") +
    (job.options && job.options.venue ? " — venue " + job.options.venue : "");
  if (r.text) $("review-text").append(el("h2", {text: "Review"}), el("pre", {class: "review-text", text: r.text}));
  const box = $("comments");
  for (const sev of SEVERITIES) {
    const group = comments.filter((c) => c.severity === sev);
    if (!group.length) continue;
    const sec = el("section", {class: "group sev-" + sev, "aria-labelledby": "h-" + sev});
    sec.append(el("h2", {id: "h-" + sev, text: sev.charAt(0).toUpperCase() + sev.slice(1) + " (" + group.length + ")"}));
    for (const c of group) sec.append(commentCard(c, (job.thumbnails || {})[String(c.index)]));
    box.append(sec);
  }
  if (!comments.length) box.append(el("p", {class: "muted", text: "No comments: the checks found nothing to report."}));
  $("result").hidden = false;
}
function commentCard(c, thumb) {
  const ev = c.evidence || {};
  const where = [ev.section, ev.page ? "page " + ev.page : null].filter(Boolean).join(", ");
  const card = el("article", {class: "comment", tabindex: "0"});
  const meta = el("p", {class: "meta"}, el("span", {class: "badge sev-" + c.severity, text: c.severity}),
    el("span", {class: "badge", text: c.category}), el("span", {class: "badge", text: c.source}),
    c.verified ? el("span", {class: "badge ok", text: "quote verified"}) : null,
    where ? el("span", {class: "where", text: where}) : null);
  card.append(meta, el("p", {class: "text", text: c.text}));
  if (c.suggestion) card.append(el("p", {class: "suggestion", text: "Suggestion: " + c.suggestion}));
  const body = el("div", {class: "evidence"});
  if (ev.quote) body.append(el("blockquote", {text: ev.quote}));
  if (thumb) {
    const img = el("img", {class: "thumb", loading: "lazy", src: thumb,
      alt: "Page " + ev.page + " of the paper, with the quoted passage highlighted"});
    body.append(el("a", {href: thumb, target: "_blank", rel: "noopener",
      "aria-label": "Open page " + ev.page + " at full size"}, img));
  }
  if (body.childNodes.length) card.append(body);
  return card;
}

// ------------------------------------------------------------------ docs page
async function initDocs() {
  const spec = await (await fetch("/openapi.json")).json();
  const box = $("endpoints");
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const sec = el("section", {class: "endpoint"});
      sec.append(el("h2", {}, el("code", {text: method.toUpperCase() + " " + path})));
      if (op.summary) sec.append(el("p", {text: op.summary}));
      if (op.description) sec.append(el("p", {class: "muted", text: op.description}));
      const params = (op.parameters || []).map((p) => p.name + " (" + p.in + ")");
      if (params.length) sec.append(el("p", {text: "Parameters: " + params.join(", ")}));
      const rb = op.requestBody && op.requestBody.content;
      if (rb) sec.append(el("p", {text: "Body: " + Object.keys(rb).join(", ")}));
      sec.append(el("p", {class: "muted", text: "Responses: " + Object.keys(op.responses || {}).join(", ")}));
      box.append(sec);
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  const run = page === "upload" ? initUpload : page === "review" ? initReview : initDocs;
  run().catch((e) => { const n = $("form-error") || $("job-error"); if (n) { n.textContent = String(e); n.hidden = false; } });
});
