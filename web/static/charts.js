// Small SVG charts built with createElementNS (no library): stacked bars, bars and a line, with
// axes, axis titles, a <title>/<desc> for screen readers and a tooltip title on every mark.
'use strict';

(function () {
  const NS = 'http://www.w3.org/2000/svg';
  const MARGIN = { top: 16, right: 16, bottom: 52, left: 56 };
  let chartCount = 0;

  function svg(tag, attrs, text) {
    const el = document.createElementNS(NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) el.setAttribute(name, String(value));
    }
    if (text !== undefined) el.textContent = text;
    return el;
  }

  // A step of 1, 2 or 5 times a power of ten, at least `minimum`.
  function niceStep(raw, minimum) {
    const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
    return Math.max(step, minimum);
  }

  function scaleFor(maxValue, fixedMax, integer) {
    if (fixedMax) return { max: fixedMax, step: fixedMax / 4 };
    const step = niceStep(Math.max(maxValue, 1) / 4, integer ? 1 : 0);
    return { max: Math.max(step, Math.ceil(maxValue / step) * step), step };
  }

  // opts: { title, desc, kind: 'stacked' | 'bars' | 'line', labels: [x labels],
  //         series: [{ label, cls, values: [number | null] }], xTitle, yTitle, yMax, format,
  //         width (the pixels it gets, so its text keeps its size) }
  function chart(opts) {
    chartCount += 1;
    const WIDTH = Math.max(300, Math.round(opts.width || 720));
    const HEIGHT = Math.round(Math.min(300, Math.max(220, WIDTH * 0.42)));
    const titleId = `chart-title-${chartCount}`;
    const descId = `chart-desc-${chartCount}`;
    const format = opts.format || ((v) => String(v));
    const n = opts.labels.length;
    const plotW = WIDTH - MARGIN.left - MARGIN.right;
    const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
    const totals = opts.labels.map((_, i) =>
      opts.kind === 'stacked'
        ? opts.series.reduce((sum, s) => sum + (s.values[i] || 0), 0)
        : Math.max(0, ...opts.series.map((s) => s.values[i] || 0)),
    );
    const scale = scaleFor(Math.max(0, ...totals), opts.yMax, opts.integer !== false);
    const y = (v) => MARGIN.top + plotH - (v / scale.max) * plotH;
    const band = plotW / Math.max(n, 1);
    const x = (i) => MARGIN.left + band * i + band / 2;

    const root = svg('svg', {
      class: 'chart',
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
      preserveAspectRatio: 'xMidYMid meet',
    });
    root.append(svg('title', { id: titleId }, opts.title), svg('desc', { id: descId }, opts.desc));

    // Horizontal grid lines with the y axis' ticks.
    for (let v = 0; v <= scale.max + 1e-9; v += scale.step) {
      root.append(
        svg('line', { class: 'grid', x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(v), y2: y(v) }),
        svg('text', { x: MARGIN.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(Math.round(v * 100) / 100)),
      );
    }
    root.append(
      svg('line', { class: 'axis', x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: MARGIN.top + plotH }),
      svg('line', { class: 'axis', x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: MARGIN.top + plotH, y2: MARGIN.top + plotH }),
    );

    // X labels: one per 60 pixels at most, evenly spaced.
    const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(plotW / 60))));
    opts.labels.forEach((label, i) => {
      if (i % every !== 0) return;
      root.append(svg('text', { x: x(i), y: MARGIN.top + plotH + 16, 'text-anchor': 'middle' }, label));
    });
    root.append(
      svg('text', { x: MARGIN.left + plotW / 2, y: HEIGHT - 8, 'text-anchor': 'middle' }, opts.xTitle),
      svg(
        'text',
        { x: -(MARGIN.top + plotH / 2), y: 14, transform: 'rotate(-90)', 'text-anchor': 'middle' },
        opts.yTitle,
      ),
    );

    const marks = svg('g', { class: 'marks' });
    if (opts.kind === 'line') {
      for (const series of opts.series) {
        let points = [];
        const flush = () => {
          if (points.length > 1) marks.append(svg('polyline', { class: 'line', points: points.join(' ') }));
          points = [];
        };
        series.values.forEach((v, i) => {
          if (v === null || v === undefined) {
            flush();
            return;
          }
          points.push(`${x(i)},${y(v)}`);
          const dot = svg('circle', { class: 'dot', cx: x(i), cy: y(v), r: 3 });
          dot.append(svg('title', {}, `${opts.labels[i]}: ${series.label} ${format(v)}`));
          marks.append(dot);
        });
        flush();
      }
    } else {
      const barW = Math.max(1, band * 0.7);
      opts.labels.forEach((label, i) => {
        let base = 0;
        opts.series.forEach((series, k) => {
          const v = series.values[i];
          if (v === null || v === undefined || v <= 0) return;
          const width = opts.kind === 'stacked' ? barW : barW / opts.series.length;
          const left = x(i) - barW / 2 + (opts.kind === 'stacked' ? 0 : width * k);
          const bottom = opts.kind === 'stacked' ? base : 0;
          const rect = svg('rect', {
            class: series.cls,
            x: left,
            y: y(bottom + v),
            width,
            height: Math.max(0.5, y(bottom) - y(bottom + v)),
          });
          rect.append(svg('title', {}, `${label}: ${series.label} ${format(v)}`));
          marks.append(rect);
          if (opts.kind === 'stacked') base += v;
        });
      });
    }
    root.append(marks);
    return root;
  }

  window.Charts = { chart };
})();
