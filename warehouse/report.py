"""The feedback report (``silobridge report``): one self-contained HTML page from the published warehouse.

The page carries its data as JSON and a small script that draws the charts as SVG, so it needs no
network and no library: score trends by department, survey fatigue, top lost reasons, top feature
requests, and the at-risk accounts as a table.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import duckdb

__all__ = ["REPORT_QUERIES", "report_data", "write_report"]

REPORT_QUERIES = {
    "score_trends": """
        select strftime(month, '%Y-%m') as month, department || ' ' || metric as series,
               round(mean_score_pct, 1) as value
        from marts.score_trends order by month, series""",
    "survey_fatigue": """
        select strftime(month, '%Y-%m') as label, count(*) filter (where is_over_limit) as value
        from marts.survey_fatigue group by month order by month""",
    "lost_reasons": """
        select coalesce(loss_reason, '(none given)') as label, sum(n_lost_deals)::bigint as value
        from marts.lost_reasons group by all order by value desc, label limit 10""",
    "feature_requests": """
        select feature as label, n_accounts as value from marts.feature_requests order by rank, feature limit 10""",
    "at_risk_accounts": """
        select account_name, n_risk_departments, array_to_string(signals, '; ') as signals,
               strftime(last_signal_at, '%Y-%m-%d') as last_signal
        from marts.at_risk_accounts order by n_risk_departments desc, n_signals desc, account_name limit 25""",
}

_CHARTS = [
    ("score_trends", "line", "Mean score (0-100, higher is better) by month, department and metric"),
    ("survey_fatigue", "bar", "Accounts surveyed more often than the monthly limit"),
    ("lost_reasons", "hbar", "Top reasons for lost deals"),
    ("feature_requests", "hbar", "Most requested features (distinct accounts)"),
]

_SCRIPT = """
const DATA = JSON.parse(document.getElementById('report-data').textContent);
const NS = 'http://www.w3.org/2000/svg';
const COLOURS = ['#1b6ca8', '#e0672d', '#3a9a5b', '#a64ca6', '#c9a227', '#5b5b5b', '#d14b6a', '#2ba3a3'];
function el(name, attrs, parent) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  parent.appendChild(node); return node;
}
function label(svg, x, y, text, anchor) {
  const t = el('text', {x, y, 'text-anchor': anchor || 'start', 'font-size': 11}, svg); t.textContent = text;
  return t;
}
function bars(svg, rows) {
  const w = 760, h = 260, left = 40, bottom = 40, max = Math.max(1, ...rows.map(r => r.value));
  const step = (w - left) / Math.max(rows.length, 1);
  rows.forEach((r, i) => {
    const height = (h - bottom - 10) * r.value / max, x = left + i * step;
    el('rect', {x: x + 2, y: h - bottom - height, width: Math.max(step - 4, 1), height, fill: COLOURS[0]}, svg);
    if (rows.length <= 12 || i % 2 === 0) label(svg, x + step / 2, h - bottom + 14, r.label, 'middle');
  });
  label(svg, 0, 12, 'max ' + max);
}
function hbars(svg, rows) {
  const left = 200, width = 520, row = 24, max = Math.max(1, ...rows.map(r => r.value));
  svg.setAttribute('height', rows.length * row + 10);
  rows.forEach((r, i) => {
    const length = width * r.value / max;
    el('rect', {x: left, y: i * row + 4, width: Math.max(length, 1), height: row - 6, fill: COLOURS[1]}, svg);
    label(svg, left - 6, i * row + 18, r.label, 'end');
    label(svg, left + length + 4, i * row + 18, String(r.value));
  });
}
function lines(svg, rows) {
  const w = 760, h = 300, left = 40, bottom = 30;
  const months = [...new Set(rows.map(r => r.month))].sort();
  const series = [...new Set(rows.map(r => r.series))].sort();
  const x = m => left + (w - left - 230) * (months.length > 1 ? months.indexOf(m) / (months.length - 1) : 0.5);
  const y = v => h - bottom - (h - bottom - 10) * v / 100;
  series.forEach((s, i) => {
    const points = rows.filter(r => r.series === s && r.value !== null).map(r => x(r.month) + ',' + y(r.value));
    el('polyline', {points: points.join(' '), fill: 'none', stroke: COLOURS[i % COLOURS.length], 'stroke-width': 2}, svg);
    label(svg, w - 210, 14 + i * 14, s).setAttribute('fill', COLOURS[i % COLOURS.length]);
    el('rect', {x: w - 222, y: 5 + i * 14, width: 9, height: 9, fill: COLOURS[i % COLOURS.length]}, svg);
  });
  if (months.length) { label(svg, left, h - 8, months[0]); label(svg, w - 230, h - 8, months[months.length - 1], 'end'); }
  [0, 50, 100].forEach(v => label(svg, 0, y(v) + 4, String(v)));
}
const DRAW = {bar: bars, hbar: hbars, line: lines};
document.querySelectorAll('svg[data-chart]').forEach(svg => {
  const rows = DATA[svg.dataset.chart] || [];
  if (rows.length) DRAW[svg.dataset.kind](svg, rows);
  svg.dataset.rendered = String(svg.querySelectorAll('rect, polyline').length);
});
document.body.dataset.ready = 'true';
"""

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222}"
          "section{margin:2rem 0}svg{width:100%;max-width:760px;height:300px;display:block}"
          "table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #ccc;padding:.3rem .5rem;"
          "text-align:left;vertical-align:top}th{background:#f3f3f3}.meta{color:#666}")


def report_data(warehouse: Path) -> dict[str, list[dict]]:
    """The rows each chart and table shows, read from the published warehouse."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        data = {}
        for name, sql in REPORT_QUERIES.items():
            relation = connection.sql(sql)
            data[name] = [dict(zip(relation.columns, row)) for row in relation.fetchall()]
        return data
    finally:
        connection.close()


def _at_risk_table(rows: list[dict]) -> str:
    if not rows:
        return "<p>No account shows risk signals in two departments.</p>"
    body = "".join(f"<tr><td>{html.escape(str(r['account_name']))}</td><td>{r['n_risk_departments']}</td>"
                   f"<td>{html.escape(str(r['signals']))}</td><td>{r['last_signal']}</td></tr>" for r in rows)
    return ("<table id='at-risk'><tr><th>account</th><th>departments</th><th>signals (90 days)</th>"
            f"<th>last signal</th></tr>{body}</table>")


def _script_safe_json(data: dict[str, list[dict]]) -> str:
    """JSON that no text inside it can end or alter its <script> element.

    "</script>" ends the element and "<!--<script>" makes the parser swallow the rest of the page into it; with
    every "<", ">" and "&" as a JSON escape the HTML parser sees none of them, and JSON.parse gives them back.
    """
    text = json.dumps(data, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write_report(warehouse: Path, path: Path) -> Path:
    """Write the report page to ``path``."""
    data = report_data(warehouse)
    charts = "".join(f"<section><h2>{html.escape(title)}</h2><svg data-chart='{name}' data-kind='{kind}' "
                     f"viewBox='0 0 760 300' role='img' aria-label='{html.escape(title)}'></svg></section>"
                     for name, kind, title in _CHARTS)
    payload = _script_safe_json(data)
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>silobridge feedback report</title>"
            f"<style>{_STYLE}</style></head><body><h1>Customer feedback across departments</h1>"
            f"<p class='meta'>Generated {generated} from {html.escape(warehouse.name)}.</p>{charts}"
            f"<section><h2>Accounts at risk in two or more departments</h2>{_at_risk_table(data['at_risk_accounts'])}"
            f"</section><script type='application/json' id='report-data'>{payload}</script>"
            f"<script>{_SCRIPT}</script></body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
