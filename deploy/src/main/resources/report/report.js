// Draws the report from the JSON embedded in the page (ReportData): one section per site, then themes,
// segments, the conversion model and data quality. Every chart has its numbers in a table beside it.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var root = document.getElementById('report');

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    root.appendChild(e);
    return e;
  }
  function pct(v) { return v === null || v === undefined ? '' : (100 * v).toFixed(1) + ' %'; }
  function num(v) { return v === null || v === undefined ? '' : String(v); }
  // A count map (reasons, rules) as "key n, key n".
  function cell(v) {
    if (v === null || v === undefined) { return ''; }
    if (typeof v === 'object') {
      return Object.keys(v).map(function (k) { return k + ' ' + v[k]; }).join(', ');
    }
    return typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : String(v);
  }
  function fixed(v, d) { return v === null || v === undefined ? '' : Number(v).toFixed(d); }

  // A chart drawn as SVG, or a line saying there is nothing to draw.
  function chart(title, hasData, option) {
    el('h3', title);
    if (!hasData) {
      el('p', 'nothing in this window', 'empty');
      return;
    }
    var box = el('div', null, 'chart');
    box.setAttribute('data-chart', title);
    option.animation = false;
    option.tooltip = option.tooltip || { trigger: 'axis' };
    echarts.init(box, null, { renderer: 'svg' }).setOption(option);
  }

  // The numbers behind a chart, folded under it.
  function table(columns, rows) {
    var details = el('details');
    var summary = document.createElement('summary');
    summary.textContent = 'numbers (' + rows.length + ' rows)';
    details.appendChild(summary);
    var t = document.createElement('table');
    var head = t.insertRow();
    columns.forEach(function (c) { var th = document.createElement('th'); th.textContent = c; head.appendChild(th); });
    rows.forEach(function (r) {
      var tr = t.insertRow();
      r.forEach(function (v) { tr.insertCell().textContent = v; });
    });
    details.appendChild(t);
  }

  function site(s) {
    el('h2', 'Site ' + s.site);
    var days = s.days.map(function (d) { return d.day; });
    chart('Sessions, bounce and conversion per day', s.days.length > 0, {
      legend: {}, xAxis: { type: 'category', data: days },
      yAxis: [{ type: 'value', name: 'sessions' }, { type: 'value', name: 'rate', max: 1 }],
      series: [
        { name: 'sessions', type: 'bar', data: s.days.map(function (d) { return d.sessions; }) },
        { name: 'bounce rate', type: 'line', yAxisIndex: 1, data: s.days.map(function (d) { return d.bounce_rate; }) },
        { name: 'engaged bounce rate', type: 'line', yAxisIndex: 1,
          data: s.days.map(function (d) { return d.engaged_bounce_rate; }) },
        { name: 'conversion rate', type: 'line', yAxisIndex: 1,
          data: s.days.map(function (d) { return d.conversion_rate; }) }
      ]
    });
    table(['day', 'sessions', 'bounce rate', 'engaged bounce rate', 'conversion rate', 'bot sessions'],
      s.days.map(function (d) {
        return [d.day, num(d.sessions), pct(d.bounce_rate), pct(d.engaged_bounce_rate), pct(d.conversion_rate),
          num(d.bot_sessions)];
      }));

    var pages = s.pages.slice().reverse();
    chart('Bounce per landing page (top ' + s.pages.length + ' by entries)', s.pages.length > 0, {
      grid: { left: 10, right: 60, containLabel: true }, tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', max: 1, name: 'bounce rate' },
      yAxis: { type: 'category', axisLabel: { width: 360, overflow: 'truncate' },
        data: pages.map(function (p) { return p.landing_page + ' (' + p.sessions + ')'; }) },
      series: [{ name: 'bounce rate', type: 'bar', data: pages.map(function (p) { return p.bounce_rate; }) }]
    });
    table(['landing page', 'entries', 'bounces', 'bounce rate', 'engaged bounce rate'],
      s.pages.map(function (p) {
        return [p.landing_page, num(p.sessions), num(p.bounces), pct(p.bounce_rate), pct(p.engaged_bounce_rate)];
      }));

    var depthLabels = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10+'];
    var depthTotal = s.depth.reduce(function (a, b) { return a + b; }, 0);
    chart('Session depth (pageviews per session)', depthTotal > 0, {
      xAxis: { type: 'category', data: depthLabels, name: 'pageviews' }, yAxis: { type: 'value', name: 'sessions' },
      series: [{ name: 'sessions', type: 'bar', data: s.depth }]
    });
    table(['depth', 'sessions'], depthLabels.map(function (l, i) { return [l, num(s.depth[i])]; }));

    chart('Search click-through per day', s.search_days.length > 0, {
      legend: {}, xAxis: { type: 'category', data: s.search_days.map(function (d) { return d.day; }) },
      yAxis: [{ type: 'value', name: 'searches' }, { type: 'value', name: 'CTR', max: 1 }],
      series: [
        { name: 'searches', type: 'bar', data: s.search_days.map(function (d) { return d.searches; }) },
        { name: 'search CTR', type: 'line', yAxisIndex: 1, data: s.search_days.map(function (d) { return d.search_ctr; }) }
      ]
    });
    table(['day', 'searches', 'with a click', 'CTR', 'zero-click searches'], s.search_days.map(function (d) {
      return [d.day, num(d.searches), num(d.searches_with_click), pct(d.search_ctr), num(d.zero_click_searches)];
    }));

    var queries = s.zero_click_queries.slice().reverse();
    chart('Top zero-click queries', s.zero_click_queries.length > 0, {
      grid: { left: 10, right: 60, containLabel: true }, xAxis: { type: 'value', name: 'zero-click searches' },
      yAxis: { type: 'category', data: queries.map(function (q) { return q.query; }) },
      series: [{ name: 'zero-click searches', type: 'bar', data: queries.map(function (q) { return q.zero_click_searches; }) }]
    });
    table(['query', 'searches', 'zero-click searches'], s.zero_click_queries.map(function (q) {
      return [q.query, num(q.searches), num(q.zero_click_searches)];
    }));
  }

  if (data.sites.length === 0) {
    el('p', 'No aggregated sessions between ' + data.from + ' and ' + data.to + ': run ingest and aggregate first.',
      'empty');
  }
  data.sites.forEach(site);

  el('h2', 'Themes and segments');
  var themes = Object.keys(data.themes).map(function (t) { return { name: t, value: data.themes[t] }; });
  chart('Theme mix of pageviews', themes.length > 0, {
    tooltip: { trigger: 'item' }, legend: { type: 'scroll', orient: 'vertical', left: 0 },
    series: [{ name: 'pageviews', type: 'pie', radius: '65%', center: ['60%', '50%'], data: themes }]
  });
  table(['theme', 'pageviews'], themes.map(function (t) { return [t.name, num(t.value)]; }));

  var segmentDays = {};
  data.segments.forEach(function (s) { s.sizes.forEach(function (z) { segmentDays[z.day] = true; }); });
  var sizeDays = Object.keys(segmentDays).sort();
  chart('Segment sizes over time', sizeDays.length > 0, {
    legend: { type: 'scroll' }, xAxis: { type: 'category', data: sizeDays }, yAxis: { type: 'value', name: 'members' },
    series: data.segments.map(function (s) {
      var byDay = {};
      s.sizes.forEach(function (z) { byDay[z.day] = z.members; });
      return { name: s.segment, type: 'line', data: sizeDays.map(function (d) { return d in byDay ? byDay[d] : null; }) };
    })
  });
  table(['segment', 'latest day', 'members'], data.segments.map(function (s) {
    return [s.segment, num(s.day), num(s.members)];
  }));

  el('h2', 'Conversion model');
  var model = data.model;
  if (!model) {
    el('p', 'No conversion model yet (bin/trailcast model train).', 'empty');
  } else {
    el('p', 'Newest model ' + model.version + ': held-out ROC AUC ' + fixed(model.metrics.roc_auc, 4) + ', PR AUC '
      + fixed(model.metrics.pr_auc, 4) + ', ' + num(model.metrics.n) + ' held-out trails, '
      + num(model.metrics.positives) + ' converted.');
    table(['metric', 'value'], Object.keys(model.metrics).map(function (k) { return [k, fixed(model.metrics[k], 4)]; }));
    var curves = model.curves;
    if (!curves) {
      el('p', 'This model was trained before curves were recorded: train again to see its ROC curve, lift and '
        + 'calibration.', 'empty');
    } else {
      chart('ROC curve (held-out)', curves.roc.length > 1, {
        tooltip: { trigger: 'item' },
        xAxis: { type: 'value', min: 0, max: 1, name: 'false positive rate' },
        yAxis: { type: 'value', min: 0, max: 1, name: 'true positive rate' },
        series: [{ name: 'model', type: 'line', showSymbol: false, data: curves.roc },
          { name: 'chance', type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: [[0, 0], [1, 1]] }]
      });
      chart('Lift by decile of score (held-out)', curves.lift.length > 0, {
        xAxis: { type: 'category', name: 'decile', data: curves.lift.map(function (v, i) { return String(i + 1); }) },
        yAxis: { type: 'value', name: 'lift' },
        series: [{ name: 'lift', type: 'bar', data: curves.lift }]
      });
      table(['decile (highest scores first)', 'lift'], curves.lift.map(function (v, i) { return [i + 1, fixed(v, 2)]; }));
      chart('Calibration (held-out)', curves.calibration.length > 0, {
        tooltip: { trigger: 'item' },
        xAxis: { type: 'value', min: 0, max: 1, name: 'mean score' },
        yAxis: { type: 'value', min: 0, max: 1, name: 'observed rate' },
        series: [{ name: 'bins', type: 'scatter', symbolSize: 10,
          data: curves.calibration.map(function (b) { return [b[2], b[3]]; }) },
        { name: 'perfect', type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: [[0, 0], [1, 1]] }]
      });
      table(['score bin', 'trails', 'mean score', 'observed rate'], curves.calibration.map(function (b) {
        return [fixed(b[0], 1) + '-' + fixed(b[0] + 0.1, 1), num(b[1]), fixed(b[2], 3), fixed(b[3], 3)];
      }));
      // The score as a site read it after the visitor's k-th action (model evaluate): rows k, sessions, converted,
      // ROC AUC, PR AUC.
      var after = curves.afterActions || [];
      chart('Accuracy after k actions (held-out sessions that reached the k-th)', after.length > 0, {
        tooltip: { trigger: 'axis' }, legend: {},
        xAxis: { type: 'category', name: 'actions', data: after.map(function (r) { return String(r[0]); }) },
        yAxis: { type: 'value', min: 0, max: 1, name: 'AUC' },
        series: [{ name: 'ROC AUC', type: 'line', data: after.map(function (r) { return r[3]; }) },
          { name: 'PR AUC', type: 'line', data: after.map(function (r) { return r[4]; }) }]
      });
      table(['actions', 'sessions', 'converted', 'ROC AUC', 'PR AUC'], after.map(function (r) {
        return [num(r[0]), num(r[1]), num(r[2]), fixed(r[3], 4), fixed(r[4], 4)];
      }));
    }
  }

  el('h2', 'Data quality');
  var quality = data.quality;
  if (!quality || quality.rows.length === 0) {
    el('p', 'No quality figures for this window.', 'empty');
  } else {
    var at = function (name) { return quality.columns.indexOf(name); };
    var charted = quality.charted.filter(function (c) { return at(c) >= 0; });
    chart('Data quality per day: what did not become a clean event', true, {
      legend: { type: 'scroll' }, xAxis: { type: 'category', data: quality.rows.map(function (r) { return r[0]; }) },
      yAxis: { type: 'value', name: 'lines or events' },
      series: charted.map(function (c) {
        return { name: c, type: 'bar', data: quality.rows.map(function (r) { return r[at(c)]; }) };
      })
    });
    // One row per figure, a column per day: the figures are many, the days of a report few.
    var wide = el('div', null, 'scroll');
    var t = document.createElement('table');
    wide.appendChild(t);
    quality.columns.forEach(function (c, i) {
      var tr = t.insertRow();
      var th = document.createElement('th');
      th.textContent = c;
      tr.appendChild(th);
      quality.rows.forEach(function (r) { tr.insertCell().textContent = cell(r[i]); });
    });
  }
  document.body.setAttribute('data-drawn', 'true');
})();
