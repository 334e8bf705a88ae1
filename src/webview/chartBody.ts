// The chart page's body, which media/chart/main.ts drives by these ids: one markup for the VS Code
// panels (live and from a file) and for the self-contained page of `memory-budget report --html`.
export const CHART_BODY = `<header>
  <select id="target" aria-label="Target" hidden></select>
  <span id="summary" aria-live="polite"></span>
  <span class="spacer"></span>
  <span id="windows" role="group" aria-label="Time window">
    <button data-window="1m" aria-pressed="false">1 m</button><button data-window="15m" aria-pressed="true">15 m</button><button data-window="1h" aria-pressed="false">1 h</button><button data-window="all" aria-pressed="false">all</button>
  </span>
  <button id="pause" aria-pressed="false">Pause</button>
  <button id="gc" title="HeapProfiler.collectGarbage: what it does not free is live" hidden>Force GC</button>
  <button id="snapshot" class="primary" disabled hidden>Take heap snapshot</button>
</header>
<div id="status" role="status"></div>
<div id="chart" role="img" aria-label="Memory over time against the budget"></div>`;
