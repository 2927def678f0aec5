// Reports page (/reports?from=&to=): the desk's report for a period, daily charts, the post's
// transit times and failed deliveries, CSV and Excel downloads.
'use strict';

(function () {
  const { App, Charts } = window;
  const { h, $ } = App;
  const t = window.I18n.t;

  const CHANNELS = ['1', '2', '3'];
  const FIELD_METRICS = ['received', 'carried_over', 'resolved', 'early', 'on_time', 'late', 'open_within', 'open_overdue', 'closed_without_result'];
  let report = null;
  let daily = null;

  function period() {
    const params = new URLSearchParams(location.search);
    const query = new URLSearchParams();
    for (const name of ['from', 'to']) {
      const value = params.get(name) || '';
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        $(name).value = App.fmtDate(value);
        query.set(name, value);
      }
    }
    return query;
  }

  function stat(key, value, id) {
    return h('div', { class: 'stat', id }, h('dt', { text: t(key) }), h('dd', { text: App.fmtNumber(value) }));
  }

  function renderStats() {
    const total = report.total || {};
    const channels = report.received_by_channel || {};
    $('period').textContent = report.period
      ? t('reports.period', { from: App.fmtDate(report.period.from), to: App.fmtDate(report.period.to) })
      : '';
    App.clear($('stats')).append(
      stat('reports.stat.received', total.received ?? 0, 'stat-received'),
      stat('reports.stat.resolved_on_time', (total.early || 0) + (total.on_time || 0), 'stat-on-time'),
      stat('reports.stat.resolved_late', total.late ?? 0, 'stat-late'),
      stat('reports.stat.open_within', total.open_within ?? 0, 'stat-open'),
      stat('reports.stat.open_overdue', total.open_overdue ?? 0, 'stat-overdue'),
      ...CHANNELS.map((c) => stat('channel.' + c, channels[c] ?? 0, 'stat-channel-' + c)),
    );
  }

  function table(id, headers, rows) {
    return h('table', { id }, App.thead(headers), h('tbody', null, rows));
  }

  function renderFields() {
    const fields = Object.entries(report.by_field || {});
    const rows = fields.map(([field, counts]) =>
      h(
        'tr',
        null,
        h('th', { scope: 'row', text: App.label('field.', field || 'none') }),
        FIELD_METRICS.map((m) => h('td', { class: 'num', text: App.fmtNumber(counts[m] ?? 0) })),
      ),
    );
    const total = report.total || {};
    rows.push(
      h(
        'tr',
        null,
        h('th', { scope: 'row', text: t('reports.total') }),
        FIELD_METRICS.map((m) => h('td', { class: 'num', text: App.fmtNumber(total[m] ?? 0) })),
      ),
    );
    App.clear($('by-field')).append(
      table('by-field-table', [['col.field'], ...FIELD_METRICS.map((m) => ['metric.' + m, 'num'])], rows),
    );
  }

  function dossierLink(id, code) {
    return h('a', { href: '/dossier?id=' + encodeURIComponent(id), class: 'mono', text: code || '#' + id });
  }

  function renderLate() {
    const late = report.late || [];
    const box = App.clear($('late'));
    if (!late.length) {
      box.append(h('p', { class: 'empty', text: t('reports.none') }));
      return;
    }
    box.append(
      table(
        'late-table',
        [['col.code'], ['col.field'], ['col.finished_at'], ['col.appointment'], ['col.reason']],
        late.map((l) =>
          h(
            'tr',
            null,
            h('td', null, dossierLink(l.dossier_id, l.code)),
            h('td', { text: App.label('field.', l.field || 'none') }),
            h('td', null, App.timeEl(l.finished_at)),
            h('td', null, App.timeEl(l.appointment)),
            h('td', { text: l.reason || '' }),
          ),
        ),
      ),
    );
  }

  function renderBacklog() {
    const backlog = report.backlog || [];
    const box = App.clear($('backlog'));
    if (!backlog.length) {
      box.append(h('p', { class: 'empty', text: t('reports.none') }));
      return;
    }
    box.append(
      table(
        'backlog-table',
        [['col.code'], ['col.field'], ['col.state'], ['col.due_at'], ['col.days_overdue', 'num']],
        backlog.map((b) =>
          h(
            'tr',
            null,
            h('td', null, dossierLink(b.dossier_id, b.code)),
            h('td', { text: App.label('field.', b.field || 'none') }),
            h('td', { text: App.label('state.', b.state) }),
            h('td', null, App.timeEl(b.due_at)),
            h('td', { class: 'num', text: App.fmtNumber(b.working_days_overdue) }),
          ),
        ),
      ),
    );
  }

  function transitTable(id, routes) {
    return table(
      id,
      [
        ['col.direction'],
        ['col.carrier'],
        ['col.route'],
        ['col.limit'],
        ['col.shipments', 'num'],
        ['col.within_limit', 'num'],
        ['col.over_limit', 'num'],
        ['col.median_hours', 'num'],
        ['col.max_working_days', 'num'],
      ],
      routes.map((r) =>
        h(
          'tr',
          { class: r.over_limit ? 'over-limit' : null },
          h('td', { text: App.label('direction.', r.direction) }),
          h('td', { text: r.carrier }),
          h('td', { text: `${r.from} → ${r.to}` }),
          h('td', { text: r.limit_days === null || r.limit_days === undefined ? t('reports.no_limit') : 'J+' + r.limit_days }),
          h('td', { class: 'num', text: App.fmtNumber(r.shipments) }),
          h('td', { class: 'num', text: App.fmtNumber(r.within_limit) }),
          h('td', { class: 'num', text: App.fmtNumber(r.over_limit) }),
          h('td', { class: 'num', text: App.fmtNumber(Math.round(r.median_hours * 10) / 10) }),
          h('td', { class: 'num', text: App.fmtNumber(r.max_working_days) }),
        ),
      ),
    );
  }

  // Transit against the carrier's J+n limits, as the CLI report prints it: totals per direction
  // and the routes over their limit; every route behind a disclosure.
  function renderTransit() {
    const routes = report.transit || [];
    const box = App.clear($('transit'));
    if (!routes.length) box.append(h('p', { class: 'empty', text: t('reports.transit_none') }));
    else {
      for (const direction of ['inbound', 'return']) {
        const these = routes.filter((r) => r.direction === direction);
        if (!these.length) continue;
        const sum = (key) => these.reduce((n, r) => n + (r[key] || 0), 0);
        box.append(
          h('p', {
            class: 'transit-summary',
            dataset: { direction },
            text: t('reports.transit_summary', {
              direction: App.label('direction.', direction),
              shipments: App.fmtNumber(sum('shipments')),
              routes: App.fmtNumber(these.length),
              within: App.fmtNumber(sum('within_limit')),
              over: App.fmtNumber(sum('over_limit')),
            }),
          }),
        );
      }
      const over = routes.filter((r) => r.over_limit > 0);
      box.append(h('h3', { text: t('reports.transit_over') }));
      box.append(over.length ? transitTable('transit-over-table', over) : h('p', { class: 'empty', text: t('reports.transit_over_none') }));
      box.append(
        h('details', { class: 'transit-all' }, h('summary', { text: t('reports.transit_all', { count: routes.length }) }), transitTable('transit-table', routes)),
      );
    }
    if (report.transit_without_events) {
      box.append(h('p', { class: 'muted', text: t('reports.transit_without_events', { count: report.transit_without_events }) }));
    }
  }

  // Return shipments whose delivery failed in the period (the CLI report's last section).
  function renderFailed() {
    const failed = report.failed_deliveries || [];
    const box = App.clear($('failed-deliveries'));
    if (!failed.length) {
      box.append(h('p', { class: 'empty', text: t('reports.failed_none') }));
      return;
    }
    box.append(
      table(
        'failed-table',
        [['col.tracking_number'], ['col.code'], ['col.failed_attempts', 'num'], ['col.first_failure_at'], ['col.carrier_status'], ['col.state']],
        failed.map((f) =>
          h(
            'tr',
            null,
            h('td', { class: 'mono', text: f.tracking_number }),
            h('td', null, dossierLink(f.dossier_id, f.dossier_code)),
            h('td', { class: 'num', text: App.fmtNumber(f.failed_attempts) }),
            h('td', null, App.timeEl(f.first_failure_at)),
            h(
              'td',
              null,
              App.label('carrier_status.', f.shipment_status),
              f.returned_to_desk ? [' ', h('span', { class: 'badge warn', text: t('reports.returned_to_desk') })] : null,
            ),
            h('td', { text: App.label('state.', f.dossier_state) }),
          ),
        ),
      ),
    );
  }

  // The numbers behind a chart, as a table for whoever cannot see it.
  function dataTable(labels, series) {
    return h(
      'details',
      { class: 'no-print' },
      h('summary', { text: t('reports.chart.data') }),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          null,
          h(
            'thead',
            null,
            h('tr', null, h('th', { scope: 'col', text: t('col.date') }), series.map((s) => h('th', { scope: 'col', class: 'num', text: s.label }))),
          ),
          h(
            'tbody',
            null,
            labels.map((label, i) =>
              h(
                'tr',
                null,
                h('th', { scope: 'row', text: label }),
                series.map((s) => h('td', { class: 'num', text: s.values[i] === null ? '—' : App.fmtNumber(s.values[i]) })),
              ),
            ),
          ),
        ),
      ),
    );
  }

  function legend(series) {
    return h('ul', { class: 'legend' }, series.map((s, i) => h('li', { class: 'key-' + (i + 1), text: s.label })));
  }

  function renderCharts() {
    const days = daily.days || [];
    const labels = days.map((d) => App.fmtDate(d.date).slice(0, 5));
    const xTitle = t('reports.chart.day');

    const intake = CHANNELS.map((c, i) => ({
      label: t('channel.' + c),
      cls: 'series-' + (i + 1),
      values: days.map((d) => (d.received && d.received[c]) || 0),
    }));
    const intakeTotal = intake.reduce((sum, s) => sum + s.values.reduce((a, b) => a + b, 0), 0);
    App.clear($('chart-intake')).append(
      Charts.chart({
        width: $('chart-intake').clientWidth,
        kind: 'stacked',
        title: t('reports.chart.intake'),
        desc: t('reports.chart.intake_desc', { days: days.length, total: intakeTotal }),
        labels,
        series: intake,
        xTitle,
        yTitle: t('reports.chart.dossiers'),
      }),
      legend(intake),
      dataTable(labels, intake),
    );

    const rate = {
      label: t('reports.chart.on_time_rate'),
      cls: 'bar-rate',
      values: days.map((d) => {
        const done = (d.on_time || 0) + (d.late || 0);
        return done ? Math.round((100 * (d.on_time || 0)) / done) : null;
      }),
    };
    App.clear($('chart-on-time')).append(
      Charts.chart({
        width: $('chart-on-time').clientWidth,
        kind: 'bars',
        title: t('reports.chart.on_time'),
        desc: t('reports.chart.on_time_desc'),
        labels,
        series: [rate],
        xTitle,
        yTitle: t('reports.chart.percent'),
        yMax: 100,
        format: (v) => v + '%',
      }),
      dataTable(labels, [rate]),
    );

    const backlog = { label: t('reports.chart.backlog_series'), values: days.map((d) => d.backlog ?? null) };
    App.clear($('chart-backlog')).append(
      Charts.chart({
        width: $('chart-backlog').clientWidth,
        kind: 'line',
        title: t('reports.chart.backlog'),
        desc: t('reports.chart.backlog_desc'),
        labels,
        series: [backlog],
        xTitle,
        yTitle: t('reports.chart.dossiers'),
      }),
      dataTable(labels, [backlog]),
    );
  }

  function render() {
    if (report) {
      renderStats();
      renderFields();
      renderLate();
      renderBacklog();
      renderTransit();
      renderFailed();
    }
    if (daily) renderCharts();
  }

  // "YYYY-MM-DD" of a local date.
  function isoDay(date) {
    const pad = (n) => String(n).padStart(2, '0');
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }

  // Links to the usual periods: this month, last month, the last 30 days.
  function quickPeriods() {
    const today = new Date();
    const periods = {
      'reports.this_month': [new Date(today.getFullYear(), today.getMonth(), 1), today],
      'reports.last_month': [new Date(today.getFullYear(), today.getMonth() - 1, 1), new Date(today.getFullYear(), today.getMonth(), 0)],
      'reports.last_30_days': [new Date(today.getFullYear(), today.getMonth(), today.getDate() - 29), today],
    };
    App.clear($('quick-periods')).append(
      ...Object.entries(periods).map(([key, [from, to]]) =>
        h('a', { class: 'button', href: `/reports?from=${isoDay(from)}&to=${isoDay(to)}`, text: t(key) }),
      ),
    );
  }

  function submit(ev) {
    ev.preventDefault();
    const query = new URLSearchParams();
    for (const name of ['from', 'to']) {
      const day = App.dayValue($(name));
      if (day === null) return;
      if (day) query.set(name, day);
    }
    const search = query.toString();
    location.assign('/reports' + (search ? '?' + search : ''));
  }

  async function start() {
    const session = await App.startStaff(['officer', 'admin']);
    if (!session) return;
    $('reports').hidden = false;
    $('period-form').addEventListener('submit', submit);
    App.dayFields($('period-form'));
    $('print-report').addEventListener('click', () => window.print());
    const query = period();
    const suffix = query.toString() ? '?' + query : '';
    $('csv-link').href = '/api/report.csv' + suffix;
    $('xlsx-link').href = '/api/report.xlsx' + suffix;
    quickPeriods();
    document.addEventListener('hoso:lang', () => {
      quickPeriods();
      render();
    });
    // The charts are drawn for their width: again when it changes (a turned phone).
    let lastWidth = window.innerWidth;
    let redraw = null;
    window.addEventListener('resize', () => {
      clearTimeout(redraw);
      redraw = setTimeout(() => {
        if (daily && window.innerWidth !== lastWidth) renderCharts();
        lastWidth = window.innerWidth;
      }, 200);
    });
    const [summary, days] = await Promise.allSettled([App.get('/api/report' + suffix), App.get('/api/report/daily' + suffix)]);
    if (summary.status === 'fulfilled') report = summary.value;
    else App.showError(summary.reason);
    if (days.status === 'fulfilled') daily = days.value;
    else App.showError(days.reason);
    render();
  }

  start();
})();
