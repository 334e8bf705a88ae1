// The extension's webview pages: which bundle each loads (dist/media/<bundle>.js and .css, built
// by esbuild.mjs from media/) and its static markup. The scripts fill the page in.

export interface PageSpec {
  readonly bundle: 'chart' | 'heap';
  readonly title: string;
  readonly body: string;
}

export const chartPage: PageSpec = {
  bundle: 'chart',
  title: 'Memory Budget',
  body: `<header>
  <select id="target" aria-label="Target" hidden></select>
  <span id="summary" aria-live="polite"></span>
  <span class="spacer"></span>
  <span id="windows" role="group" aria-label="Time window">
    <button data-window="1m" aria-pressed="false">1 m</button><button data-window="15m" aria-pressed="true">15 m</button><button data-window="1h" aria-pressed="false">1 h</button><button data-window="all" aria-pressed="false">all</button>
  </span>
  <button id="pause" aria-pressed="false">Pause</button>
  <button id="gc" title="A full garbage collection: what it does not free is live" hidden>Force GC</button>
  <button id="allocations" aria-pressed="false" hidden>Start allocation sampling</button>
  <button id="snapshot" class="primary" hidden>Take heap snapshot</button>
</header>
<div id="status" role="status"></div>
<div id="advice" role="note" hidden></div>
<div id="chart" role="img" aria-label="Memory over time against the budget"></div>`,
};

/** A heap summary or comparison; `title` names the files. */
export function heapReportPage(title: string): PageSpec {
  return { bundle: 'heap', title, body: '<main id="root" aria-live="polite">Loading…</main>' };
}
