package org.flytebeam.runner;

import java.util.Locale;
import org.flytebeam.beam.MapVerdict;
import org.flytebeam.exec.ErrorGroups;

/**
 * The {@code --report} page: one self-contained HTML file (styles and script inline, nothing
 * fetched). The facts are rendered as HTML; the charts and the element table are drawn by the
 * inline script from the embedded summary JSON, so a million elements cost columns of numbers, not
 * a million table rows (the table shows one page at a time, with a status filter and a search).
 */
final class HtmlReport {
  private static final int OPEN_GROUPS = 5;

  /** Index ranges in a failure group's heading; its link shows every listed one. */
  private static final int SHOWN_RANGES = 16;

  private HtmlReport() {}

  static String render(RunReport report, String summaryJson) {
    MapVerdict v = report.verdict();
    long aborted = v.size() - v.succeeded() - v.failed() - v.timedOut();
    StringBuilder h = new StringBuilder(summaryJson.length() + 16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<title>flyte-beam run report</title>\n<style>\n")
        .append(STYLE)
        .append("</style></head><body>\n");
    h.append("<h1>flyte-beam run report</h1>\n");
    h.append("<p id=\"run\" class=\"dim\"></p>\n<pre id=\"command\"></pre>\n");
    h.append("<p id=\"verdict\" class=\"")
        .append(v.success() ? "ok" : "bad")
        .append("\">")
        .append(esc(v.summary()))
        .append("</p>\n");
    h.append("<p id=\"arithmetic\">").append(esc(report.thresholdArithmetic())).append("</p>\n");
    h.append("<div class=\"cards\" id=\"counts\">");
    card(h, "total", v.size(), "");
    card(h, "succeeded", v.succeeded(), "st-S");
    card(h, "failed", v.failed(), v.failed() > 0 ? "st-F" : "");
    card(h, "timed out", v.timedOut(), v.timedOut() > 0 ? "st-T" : "");
    card(h, "aborted", aborted, aborted > 0 ? "st-A" : "");
    if (report.cacheEnabled() || v.cacheHits() > 0) {
      card(h, "from cache", v.cacheHits(), "");
    }
    card(h, "required", v.required(), "");
    h.append("</div>\n");

    h.append("<h2>Definition</h2>\n<table class=\"kv\" id=\"definition\"></table>\n");
    h.append("<h2>Element durations</h2>\n")
        .append(
            "<div class=\"controls\"><label><input type=\"checkbox\" id=\"logscale\"> log scale")
        .append(
            " (elements per bar)</label></div>\n<div id=\"histogram\" class=\"chart\"></div>\n");
    h.append("<h2>Concurrency over time</h2>\n<div id=\"timeline\" class=\"chart\"></div>\n");

    h.append("<h2>Failures</h2>\n<div id=\"failures\">");
    if (v.errors().isEmpty()) {
      h.append("<p>No failures.</p>");
    }
    int shown = 0;
    for (ErrorGroups.Group g : v.errors().groups()) {
      String first = g.message().lines().findFirst().orElse("");
      // The first few groups open: their full text (stderr of process tasks) is usually the point.
      h.append(
              shown < OPEN_GROUPS
                  ? "<details class=\"failure\" open>"
                  : "<details class=\"failure\">")
          .append("<summary><b>")
          .append(esc(FailureSummary.ranges(g, SHOWN_RANGES)))
          .append(": ")
          .append(esc(first))
          .append("</b> <span class=\"dim\">(")
          .append(g.count())
          .append(g.count() == 1 ? " element" : " elements")
          .append(")</span> <a href=\"#group-")
          .append(shown)
          .append("\" class=\"group-link\" data-group=\"")
          .append(shown)
          .append("\">show ")
          .append(g.count() == 1 ? "its row" : "its rows")
          .append("</a></summary><pre>")
          .append(esc(g.message()))
          .append("</pre>");
      for (ErrorGroups.Example e : g.examples()) {
        if (!g.varied() && e.stackTrace().isEmpty()) {
          continue;
        }
        h.append("<div class=\"example\">element ")
            .append(e.index())
            .append(g.varied() ? ": " + esc(e.message().lines().findFirst().orElse("")) : "");
        if (!e.stackTrace().isEmpty()) {
          h.append("<details class=\"trace\"><summary>stack trace</summary><pre>")
              .append(esc(e.stackTrace()))
              .append("</pre></details>");
        }
        h.append("</div>");
      }
      h.append("</details>\n");
      shown++;
    }
    if (v.errors().otherFailures() > 0) {
      h.append("<p>... and ")
          .append(v.errors().otherFailures())
          .append(" more failures with other messages (see the element table)</p>");
    }
    h.append("</div>\n");

    h.append("<h2>Elements</h2>\n<div class=\"controls\">")
        .append("<label>status <select id=\"status\"><option value=\"\">all</option>")
        .append("<option value=\"S\">succeeded</option><option value=\"F\">failed</option>")
        .append("<option value=\"T\">timed out</option><option value=\"A\">aborted</option>")
        .append("<option value=\"FTA\">not succeeded</option>")
        .append("<option value=\"C\">from cache</option></select></label> ")
        .append("<label>search <input id=\"search\" placeholder=\"index, or text in the error\">")
        .append("</label> <button id=\"prev\">&larr; prev</button> <span id=\"page\"></span> ")
        .append("<button id=\"next\">next &rarr;</button></div>\n")
        .append("<p id=\"filter\" class=\"dim\"></p>\n")
        .append("<table id=\"elements\"><thead><tr><th>index</th><th>status</th><th>attempts</th>")
        .append("<th>start (ms)</th><th>duration (ms)</th><th>inputs</th><th>error</th>")
        .append("<th>attempt history</th></tr></thead>")
        .append("<tbody></tbody></table>\n");

    h.append("<script type=\"application/json\" id=\"data\">")
        .append(summaryJson)
        .append("</script>\n<script>\n")
        .append(SCRIPT)
        .append("</script>\n</body></html>\n");
    return h.toString();
  }

  private static void card(StringBuilder h, String label, long n, String cls) {
    h.append(
        String.format(
            Locale.ROOT,
            "<div class=\"card %s\"><div class=\"n\">%d</div><div class=\"l\">%s</div></div>",
            cls,
            n,
            label));
  }

  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '&':
          out.append("&amp;");
          break;
        case '"':
          out.append("&quot;");
          break;
        default:
          out.append(c);
      }
    }
    return out.toString();
  }

  private static final String STYLE =
      String.join(
          "\n",
          "body{font:14px/1.4 system-ui,sans-serif;margin:16px 24px;color:#222}",
          "h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}",
          ".ok{color:#1a7f37}.bad{color:#c62828}.warn{color:#b26a00}.dim{color:#666;font-weight:normal}",
          "#verdict{font-size:16px;font-weight:600}#command{white-space:pre-wrap;word-break:break-all}",
          ".cards{display:flex;gap:12px;flex-wrap:wrap}",
          ".card{border:1px solid #ddd;border-radius:6px;padding:8px 16px;min-width:90px}",
          ".card .n{font-size:22px;font-weight:600}.card .l{color:#555}",
          ".st-S{background:#e6f4ea;color:#1a7f37}.st-F{background:#fde7e7;color:#b71c1c}",
          ".st-T{background:#fff0db;color:#a05a00}.st-A{background:#eeeeee;color:#555}",
          ".st-C{background:#e3eefc;color:#1f5fae}",
          ".badge{border-radius:4px;padding:1px 6px;font-size:12px;font-weight:600}",
          "table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eee;"
              + "text-align:left;vertical-align:top}",
          "table.kv th{color:#555;font-weight:normal}#elements{width:100%}",
          "#elements td.err,#elements td.in{font-family:monospace;white-space:pre-wrap;max-width:480px;"
              + "word-break:break-word}",
          "pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:320px}",
          ".controls{margin:8px 0}.chart svg{background:#fafafa;border:1px solid #eee;width:100%;height:auto}",
          ".chart text{font-size:11px;fill:#444}",
          "details.failure{margin:6px 0}.example{margin:2px 0 2px 16px}",
          "tr.hl td{background:#fffbe6}",
          "");

  // Reads the embedded summary (#data) and draws the definition, the two charts and one page of the
  // element table at a time.
  private static final String SCRIPT =
      String.join(
          "\n",
          "'use strict';",
          "const D = JSON.parse(document.getElementById('data').textContent);",
          "const E = D.elements, NAMES = {S:'SUCCEEDED',F:'FAILED',T:'TIMED_OUT',A:'ABORTED'};",
          "function esc(s){return String(s).replace(/[&<>\"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;'}[c]));}",
          "function vars(vs){return vs.map(v=>v.name+': '+v.type).join(', ')||'(none)';}",
          "(function definition(){",
          "  const d = D.definition, rows = [",
          "    ['map task', d.name+' ('+d.form+')'], ['sub-task', d.subTask+' ['+d.subTaskType+']'],",
          "    ['mapped inputs', vars(d.inputs)], ['bound inputs', d.boundInputs.join(', ')||'(none)'],",
          "    ['outputs', vars(d.outputs)], ['parallelism', d.parallelism===null?'unlimited':d.parallelism],",
          "    ['success criteria', d.successCriteria.text], ['runner', D.run.runner],",
          "    ['element cache', D.cache.mode==='DISABLED' ? 'off' : D.cache.mode.toLowerCase()+' in '+D.cache.dir+': '+D.cache.hits+' hits'+(D.cache.unreadableEntries? ', '+D.cache.unreadableEntries+' unreadable entries':'')],",
          "    ['started', new Date(D.run.startedAtEpochMillis).toISOString()], ['wall time', D.run.wallMillis+' ms'],",
          "    ['durations', D.durations.count? 'min '+D.durations.minMillis+' ms, p50 '+D.durations.p50Millis+' ms, p90 '+D.durations.p90Millis+' ms, p99 '+D.durations.p99Millis+' ms, max '+D.durations.maxMillis+' ms':'no element ran']];",
          "  document.getElementById('definition').innerHTML = rows.map(r=>'<tr><th>'+esc(r[0])+'</th><td>'+esc(r[1])+'</td></tr>').join('');",
          "})();",
          "function ticks(max, n){if(max<=0)return [0]; const raw=max/n, p=Math.pow(10,Math.floor(Math.log10(raw))), m=raw/p, step=(m<=1?1:m<=2?2:m<=5?5:10)*p; const t=[]; for(let v=0; v<=max*1.0001; v+=step) t.push(Math.round(v*1e6)/1e6); return t;}",
          "// A bar chart in a viewBox as wide as the page: y ticks (linear, or powers of 10 on a log scale), x ticks every few bars.",
          "function bars(el, values, xTick, xLabel, yLabel, barLabel, color, log){",
          "  const W=1200, H=220, L=56, R=16, T=12, B=44, n=values.length, max=Math.max(1e-9,...values);",
          "  const bw=(W-L-R)/Math.max(1,n), ih=H-T-B;",
          "  const lmax=Math.log10(max+1), y=v=> log ? ih*Math.log10(v+1)/Math.max(1e-9,lmax) : ih*v/max;",
          "  let s='<svg viewBox=\"0 0 '+W+' '+H+'\" role=\"img\" preserveAspectRatio=\"xMinYMin meet\">';",
          "  const yt = log ? [0].concat([...Array(Math.ceil(lmax)+1).keys()].map(k=>Math.pow(10,k)).filter(v=>v<=max)) : ticks(max,4);",
          "  yt.forEach(v=>{const yy=T+ih-y(v); s+='<line x1=\"'+L+'\" x2=\"'+(W-R)+'\" y1=\"'+yy+'\" y2=\"'+yy+'\" stroke=\"#e4e4e4\"/><text x=\"'+(L-6)+'\" y=\"'+(yy+4)+'\" text-anchor=\"end\" class=\"ytick\">'+esc(v)+'</text>';});",
          "  values.forEach((v,i)=>{const h=y(v); s+='<rect x=\"'+(L+i*bw)+'\" y=\"'+(T+ih-h)+'\" width=\"'+Math.max(1,bw-1)+'\" height=\"'+h+'\" fill=\"'+color+'\"><title>'+esc(barLabel(i,v))+'</title></rect>';});",
          "  s+='<line x1=\"'+L+'\" y1=\"'+(T+ih)+'\" x2=\"'+(W-R)+'\" y2=\"'+(T+ih)+'\" stroke=\"#888\"/><line x1=\"'+L+'\" y1=\"'+T+'\" x2=\"'+L+'\" y2=\"'+(T+ih)+'\" stroke=\"#888\"/>';",
          "  const every = Math.max(1, Math.ceil(n/10));",
          "  for (let i=0;i<=n;i+=every){const xx=L+i*bw; s+='<line x1=\"'+xx+'\" x2=\"'+xx+'\" y1=\"'+(T+ih)+'\" y2=\"'+(T+ih+5)+'\" stroke=\"#888\"/><text x=\"'+xx+'\" y=\"'+(T+ih+17)+'\" text-anchor=\"middle\" class=\"xtick\">'+esc(xTick(i))+'</text>';}",
          "  s+='<text x=\"'+((L+W-R)/2)+'\" y=\"'+(H-6)+'\" text-anchor=\"middle\">'+esc(xLabel)+'</text>';",
          "  s+='<text x=\"12\" y=\"'+(T+ih/2)+'\" transform=\"rotate(-90 12 '+(T+ih/2)+')\" text-anchor=\"middle\">'+esc(yLabel)+'</text></svg>';",
          "  document.getElementById(el).innerHTML = s;",
          "}",
          "function ms(v){return v>=60000? (Math.round(v/600)/100)+' min' : v>=1000? (Math.round(v/10)/100)+' s' : v+' ms';}",
          "const hb = D.durations.histogram;",
          "function histogram(){",
          "  bars('histogram', hb.counts, i=>ms(i*hb.bucketMillis), 'element duration ('+ms(hb.bucketMillis)+' per bar; the last bar also holds longer ones)', 'elements',",
          "    (i,v)=>ms(i*hb.bucketMillis)+' to '+ms((i+1)*hb.bucketMillis)+': '+v+' elements', '#4a78c2', document.getElementById('logscale').checked);",
          "}",
          "// report.html#log opens with the log scale on (a link to share, and a way to test it).",
          "if (location.hash === '#log') document.getElementById('logscale').checked = true;",
          "document.getElementById('logscale').onchange = histogram; histogram();",
          "const C = D.concurrency;",
          "bars('timeline', C.average, i=>ms(i*C.binMillis), 'time since the first element started ('+ms(C.binMillis)+' per bar); peak '+C.peak+' running at once'+(D.definition.parallelism===null?'':', parallelism '+D.definition.parallelism), 'elements running',",
          "  (i,v)=>ms(i*C.binMillis)+': '+v+' running on average', '#2e9b6a', false);",
          "(function run(){",
          "  const r = D.run, v = r.versions||{};",
          "  document.getElementById('run').textContent = 'run '+r.runId+' \u00b7 '+r.runner+' \u00b7 started '+new Date(r.startedAtEpochMillis).toISOString()+' \u00b7 flyte-beam '+v.flyteBeam+', Beam '+v.beam+', Spark '+v.spark+', Java '+v.java;",
          "  const c = document.getElementById('command'); if (r.commandLine) c.textContent = r.commandLine; else c.remove();",
          "})();",
          "let rows = null, page = 0, filterText = ''; const PAGE = 100, DET = E.details || {};",
          "// A success without any attempt: its outputs came from the element cache.",
          "function cached(i){return E.status[i]==='S' && E.attempts[i]===0;}",
          "function matches(){",
          "  const st = document.getElementById('status').value, q = document.getElementById('search').value.trim().toLowerCase();",
          "  if (!st && !q) return null;",
          "  const out = [], asIndex = /^\\d+$/.test(q) ? Number(q) : -1;",
          "  const msgHit = E.messages.map(m=>q!=='' && m.toLowerCase().includes(q));",
          "  for (let i=0;i<E.count;i++){",
          "    if (st === 'C' ? !cached(i) : st && !st.includes(E.status[i])) continue;",
          "    if (q && i!==asIndex && !(E.error[i]>=0 && msgHit[E.error[i]]) && !(DET[i] && DET[i].inputs.toLowerCase().includes(q))) continue;",
          "    out.push(i);",
          "  }",
          "  return out;",
          "}",
          "function history(i){",
          "  const d = DET[i]; if (!d || !d.attempts.length) return '';",
          "  return '<details><summary>'+d.attempts.length+' failed attempt'+(d.attempts.length>1?'s':'')+'</summary>'+d.attempts.map(a=>'<div>attempt '+a.attempt+': '+esc(a.error.split('\\n')[0])+'</div>'+(a.stackTrace?'<pre>'+esc(a.stackTrace)+'</pre>':'')).join('')+'</details>';",
          "}",
          "function draw(){",
          "  const total = rows===null ? E.count : rows.length, pages = Math.max(1, Math.ceil(total/PAGE));",
          "  page = Math.min(Math.max(0,page), pages-1);",
          "  let s='';",
          "  for (let k=page*PAGE; k<Math.min(total,(page+1)*PAGE); k++){",
          "    const i = rows===null ? k : rows[k], e = E.error[i], st = cached(i) ? 'C' : E.status[i];",
          "    s+='<tr id=\"e'+i+'\"><td>'+i+'</td><td><span class=\"badge st-'+st+'\">'+NAMES[E.status[i]]+(cached(i)?' (cached)':'')+'</span></td><td>'+E.attempts[i]+'</td><td>'+(E.startMillis[i]<0?'':E.startMillis[i])+'</td><td>'+(E.attempts[i]?E.durationMillis[i]:'')+'</td><td class=\"in\">'+(DET[i]?esc(DET[i].inputs):'')+'</td><td class=\"err\">'+(e>=0?esc(E.messages[e]):'')+'</td><td>'+history(i)+'</td></tr>';",
          "  }",
          "  document.querySelector('#elements tbody').innerHTML = s;",
          "  document.getElementById('page').textContent = 'page '+(page+1)+' of '+pages+' ('+total+' elements)';",
          "  document.getElementById('filter').innerHTML = filterText;",
          "}",
          "function refilter(){rows=matches(); page=0; filterText=''; draw();}",
          "document.getElementById('status').onchange = refilter;",
          "document.getElementById('search').oninput = refilter;",
          "document.getElementById('prev').onclick = ()=>{page--; draw();};",
          "document.getElementById('next').onclick = ()=>{page++; draw();};",
          "// A failure group's link (#group-K, also when the page opens with it): its listed index ranges as the table's rows.",
          "function showGroup(k){",
          "  const g = D.failures.groups[k]; if (!g) return; rows = [];",
          "  g.ranges.forEach(r=>{for (let i=r[0]; i<=r[1]; i++) rows.push(i);});",
          "  page = 0; filterText = 'showing the '+rows.length+' listed elements of failure group '+esc(g.indexRanges.slice(0,60))+': '+esc(g.message.split('\\n')[0].slice(0,120));",
          "  document.getElementById('status').value=''; document.getElementById('search').value=''; draw();",
          "  document.getElementById('elements').scrollIntoView();",
          "}",
          "function fromHash(){const m = location.hash.match(/^#group-(\\d+)$/); if (m) showGroup(Number(m[1]));}",
          "window.addEventListener('hashchange', fromHash);",
          "draw();",
          "fromHash();",
          "");
}
