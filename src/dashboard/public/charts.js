// Line charts of the last five minutes (uPlot, loaded as the global `uPlot` before this module).
// Each chart keeps its points in memory; its figure exposes `data-points` (how many) and
// `data-latest` (the last value) for people and tests alike.

/** How much history a chart keeps, in seconds. */
const WINDOW_S = 300;
const HEIGHT = 150;

export class RateChart {
  /** @param {HTMLElement} figure a `<figure data-chart="…" data-label="…">` */
  constructor(figure, color) {
    this.figure = figure;
    this.xs = [];
    this.ys = [];
    const caption = document.createElement('figcaption');
    this.title = document.createElement('span');
    this.title.textContent = figure.dataset.label;
    this.latest = document.createElement('span');
    this.latest.className = 'latest';
    caption.append(this.title, this.latest);
    figure.append(caption);
    this.plot = new uPlot(
      {
        width: this.width(),
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: [
          { stroke: '#8a94a6' },
          { stroke: '#8a94a6', size: 56, values: (_u, splits) => splits.map(compact) },
        ],
        series: [{}, { label: figure.dataset.label, stroke: color, width: 2, fill: `${color}22` }],
      },
      [this.xs, this.ys],
      figure,
    );
  }

  /** Adds the value measured at `at` (ms since the epoch); null draws a gap. */
  push(at, value) {
    const x = at / 1000;
    this.xs.push(x);
    this.ys.push(value);
    while (this.xs.length > 0 && this.xs[0] < x - WINDOW_S) {
      this.xs.shift();
      this.ys.shift();
    }
    this.plot.setData([this.xs, this.ys]);
    this.figure.dataset.points = String(this.xs.length);
    this.figure.dataset.latest = value === null ? '' : String(value);
    this.latest.textContent = value === null ? '' : formatRate(value);
  }

  resize() {
    this.plot.setSize({ width: this.width(), height: HEIGHT });
  }

  width() {
    return Math.max(200, this.figure.clientWidth - 16);
  }
}

/** 950, 1.2k, 34k, 1.5M: axis labels that fit. */
function compact(value) {
  if (value >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return String(+value.toFixed(2));
}

function formatRate(value) {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}
