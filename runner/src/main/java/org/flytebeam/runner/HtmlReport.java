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
    h.append("<p id=\"verdict\" class=\"")
        .append(v.success() ? "ok" : "bad")
        .append("\">")
        .append(esc(v.summary()))
        .append("</p>\n");
    h.append("<p id=\"arithmetic\">").append(esc(report.thresholdArithmetic())).append("</p>\n");
    h.append("<div class=\"cards\" id=\"counts\">");
    card(h, "total", v.size(), "");
    card(h, "succeeded", v.succeeded(), "ok");
    card(h, "failed", v.failed(), v.failed() > 0 ? "bad" : "");
    card(h, "timed out", v.timedOut(), v.timedOut() > 0 ? "bad" : "");
    card(h, "aborted", aborted, aborted > 0 ? "warn" : "");
    if (report.cacheEnabled() || v.cacheHits() > 0) {
      card(h, "from cache", v.cacheHits(), "");
    }
    card(h, "required", v.required(), "");
    h.append("</div>\n");

    h.append("<h2>Definition</h2>\n<table class=\"kv\" id=\"definition\"></table>\n");
    h.append("<h2>Element durations</h2>\n<div id=\"histogram\" class=\"chart\"></div>\n");
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
              shown++ < OPEN_GROUPS
                  ? "<details class=\"failure\" open>"
                  : "<details class=\"failure\">")
          .append("<summary><b>")
          .append(esc(g.indexRanges()))
          .append(": ")
          .append(esc(first))
          .append("</b> <span class=\"dim\">(")
          .append(g.count())
          .append(g.count() == 1 ? " element" : " elements")
          .append(")</span></summary><pre>")
          .append(esc(g.message()))
          .append("</pre></details>\n");
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
        .append("<table id=\"elements\"><thead><tr><th>index</th><th>status</th><th>attempts</th>")
        .append("<th>start (ms)</th><th>duration (ms)</th><th>error</th></tr></thead>")
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
          "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}",
          "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}",
          ".ok{color:#1a7f37}.bad{color:#c62828}.warn{color:#b26a00}.dim{color:#777;font-weight:normal}",
          "#verdict{font-size:16px;font-weight:600}",
          ".cards{display:flex;gap:12px;flex-wrap:wrap}",
          ".card{border:1px solid #ddd;border-radius:6px;padding:8px 16px;min-width:90px}",
          ".card .n{font-size:22px;font-weight:600}.card .l{color:#666}",
          "table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eee;"
              + "text-align:left;vertical-align:top}",
          "table.kv th{color:#666;font-weight:normal}",
          "#elements td.err{font-family:monospace;white-space:pre-wrap;max-width:640px}",
          "pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:320px}",
          ".controls{margin:8px 0}.chart svg{background:#fafafa;border:1px solid #eee}",
          "details.failure{margin:6px 0}",
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
          "function bars(el, values, xLabel, barLabel, color){",
          "  const W=1100, H=200, P=40, n=values.length, max=Math.max(1e-9,...values);",
          "  const bw=(W-2*P)/Math.max(1,n);",
          "  let s='<svg width=\"'+W+'\" height=\"'+(H+40)+'\" role=\"img\">';",
          "  values.forEach((v,i)=>{const h=(H-20)*v/max; s+='<rect x=\"'+(P+i*bw)+'\" y=\"'+(H-h)+'\" width=\"'+Math.max(1,bw-1)+'\" height=\"'+h+'\" fill=\"'+color+'\"><title>'+esc(barLabel(i,v))+'</title></rect>';});",
          "  s+='<line x1=\"'+P+'\" y1=\"'+H+'\" x2=\"'+(W-P)+'\" y2=\"'+H+'\" stroke=\"#999\"/>';",
          "  s+='<text x=\"'+P+'\" y=\"14\" font-size=\"12\">max '+esc(Math.round(max*100)/100)+'</text>';",
          "  s+='<text x=\"'+P+'\" y=\"'+(H+28)+'\" font-size=\"12\">'+esc(xLabel)+'</text></svg>';",
          "  document.getElementById(el).innerHTML = s;",
          "}",
          "const hb = D.durations.histogram;",
          "bars('histogram', hb.counts, 'duration, '+hb.bucketMillis+' ms per bar (0 to '+hb.bucketMillis*hb.counts.length+' ms); height: elements',",
          "  (i,v)=>(i*hb.bucketMillis)+'-'+((i+1)*hb.bucketMillis)+' ms: '+v+' elements', '#4a78c2');",
          "const C = D.concurrency;",
          "bars('timeline', C.average, 'time since the first element started, '+C.binMillis+' ms per bar; height: elements running (average in the bar), peak '+C.peak,",
          "  (i,v)=>(i*C.binMillis)+' ms: '+v+' running', '#2e9b6a');",
          "let rows = null, page = 0; const PAGE = 100;",
          "// A success without any attempt: its outputs came from the element cache.",
          "function cached(i){return E.status[i]==='S' && E.attempts[i]===0;}",
          "function matches(){",
          "  const st = document.getElementById('status').value, q = document.getElementById('search').value.trim().toLowerCase();",
          "  if (!st && !q) return null;",
          "  const out = [], asIndex = /^\\d+$/.test(q) ? Number(q) : -1;",
          "  const msgHit = E.messages.map(m=>q!=='' && m.toLowerCase().includes(q));",
          "  for (let i=0;i<E.count;i++){",
          "    if (st === 'C' ? !cached(i) : st && !st.includes(E.status[i])) continue;",
          "    if (q && i!==asIndex && !(E.error[i]>=0 && msgHit[E.error[i]])) continue;",
          "    out.push(i);",
          "  }",
          "  return out;",
          "}",
          "function draw(){",
          "  const total = rows===null ? E.count : rows.length, pages = Math.max(1, Math.ceil(total/PAGE));",
          "  page = Math.min(Math.max(0,page), pages-1);",
          "  let s='';",
          "  for (let k=page*PAGE; k<Math.min(total,(page+1)*PAGE); k++){",
          "    const i = rows===null ? k : rows[k], e = E.error[i];",
          "    s+='<tr><td>'+i+'</td><td>'+NAMES[E.status[i]]+(cached(i)?' (cached)':'')+'</td><td>'+E.attempts[i]+'</td><td>'+(E.startMillis[i]<0?'':E.startMillis[i])+'</td><td>'+(E.attempts[i]?E.durationMillis[i]:'')+'</td><td class=\"err\">'+(e>=0?esc(E.messages[e]):'')+'</td></tr>';",
          "  }",
          "  document.querySelector('#elements tbody').innerHTML = s;",
          "  document.getElementById('page').textContent = 'page '+(page+1)+' of '+pages+' ('+total+' elements)';",
          "}",
          "document.getElementById('status').onchange = ()=>{rows=matches(); page=0; draw();};",
          "document.getElementById('search').oninput = ()=>{rows=matches(); page=0; draw();};",
          "document.getElementById('prev').onclick = ()=>{page--; draw();};",
          "document.getElementById('next').onclick = ()=>{page++; draw();};",
          "draw();",
          "");
}
