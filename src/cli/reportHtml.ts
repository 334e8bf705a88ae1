import { promises as fs } from 'node:fs';
import path from 'node:path';
import { chartPage } from '../webview/pages';
import { chartSeries } from '../core/report/chartData';
import { describeSkipped, processSummaryLine, reportText } from '../core/report/display';
import type { MemoryLogFile } from '../core/report/memoryLogFile';
import type { MemoryReport } from '../core/report/runReport';

/** The chart webview's bundle, built next to the CLI (dist/media). */
const MEDIA = path.join(__dirname, 'media');

/** Light colours where VS Code would supply its theme's. */
const THEME = `:root{--vscode-foreground:#1f1f1f;--vscode-editor-foreground:#1f1f1f;--vscode-editor-background:#ffffff;
--vscode-font-family:system-ui,-apple-system,"Segoe UI",sans-serif;--vscode-font-size:13px;--vscode-panel-border:#e5e5e5;
--vscode-button-secondaryForeground:#1f1f1f;--vscode-button-secondaryBackground:#e5e5e5;--vscode-button-foreground:#fff;
--vscode-button-background:#005fb8;--vscode-focusBorder:#005fb8;--vscode-editorWidget-border:rgba(0,0,0,.12)}
.report{padding:8px 12px;border-bottom:1px solid var(--vscode-panel-border)}
.report h1{font-size:15px;margin:0 0 6px}
.report pre{margin:0;white-space:pre-wrap;font-size:12px;max-height:30vh;overflow:auto}
#chart{min-height:360px}`;

/**
 * A single file with everything inlined (the chart's script and CSS, uPlot, the data): it opens
 * from an incident ticket or a CI artifact with no server and no network. The chart is the VS Code
 * chart's own code, fed by a stand-in for the webview API: one series per pid, picked in its list.
 */
export async function writeReportHtml(out: string, title: string, log: MemoryLogFile, report: MemoryReport): Promise<void> {
  const [script, css] = await Promise.all([
    fs.readFile(path.join(MEDIA, 'chart.js'), 'utf8'),
    fs.readFile(path.join(MEDIA, 'chart.css'), 'utf8'),
  ]);
  const series = log.processes.map((p, i) => ({ ...chartSeries(p, i), summary: processSummaryLine(report.processes[i]) }));
  const data = { series, skipped: describeSkipped(report) };
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Memory report — ${escapeHtml(title)}</title>
<style>${THEME}</style>
<style>${css}</style>
</head>
<body>
<section class="report"><h1>Memory report — ${escapeHtml(title)}</h1><pre>${escapeHtml(reportText(title, report))}</pre></section>
${chartPage.body}
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${standInScript()}</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
  await fs.writeFile(out, html, 'utf8');
}

/** What the chart asks of VS Code, answered from the embedded data. */
function standInScript(): string {
  return `(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  // JSON has no NaN: a figure the runtime lacks (heap, for Python) comes back as null.
  for (const s of data.series) for (const p of s.history) for (const k of ['heapUsed', 'heapTotal', 'external']) if (p[k] === null) p[k] = NaN;
  let state = { window: 'all' };
  const init = (id) => {
    const s = data.series.find((x) => x.id === id) || data.series[0];
    const post = (m) => window.postMessage(m, '*');
    post({ type: 'init', targets: data.series.map((x) => ({ id: x.id, name: x.name })), targetId: s && s.id,
      budget: s ? s.budget : { bytes: 0, label: '', warnBytes: 0, criticalBytes: 0 }, heapLimitBytes: s && s.heapLimitBytes,
      history: s ? s.history : [], events: s ? s.events : [], canSnapshot: false, canGc: false, live: false,
      summary: s ? s.summary + (data.skipped ? ' · ' + data.skipped : '') : 'No samples in this file' });
  };
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => { if (m.type === 'ready') init(state.targetId); else if (m.type === 'selectTarget') init(m.targetId); },
    getState: () => state,
    setState: (s) => { state = s; },
  });
})();`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON inside a <script> element: nothing in it may close the element. NaN becomes null. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
