// The console's script (served by mxfront; the CSP forbids inline script). Dashboard charts with
// Chart.js from /api/dashboard, and the live view over Server-Sent Events. Everything that came
// from mail is put into the page with textContent, never as HTML.
(function () {
  'use strict';
  var page = document.body.getAttribute('data-page');

  function cell(row, text, cls) {
    var td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function topTable(id, rows) {
    var body = document.querySelector('#' + id + ' tbody');
    body.textContent = '';
    rows.forEach(function (r) {
      var tr = document.createElement('tr');
      cell(tr, r.name);
      cell(tr, r.count);
      body.appendChild(tr);
    });
    if (rows.length === 0) { var tr = document.createElement('tr'); cell(tr, 'none'); body.appendChild(tr); }
  }

  var charts = {};
  function barChart(id, map, color) {
    var labels = Object.keys(map), data = labels.map(function (k) { return map[k]; });
    if (charts[id]) { charts[id].data.labels = labels; charts[id].data.datasets[0].data = data; charts[id].update(); return; }
    charts[id] = new Chart(document.getElementById(id), {
      type: 'bar', data: { labels: labels, datasets: [{ label: 'refusals', data: data, backgroundColor: color }] },
      options: { animation: false, aspectRatio: 1.6, indexAxis: 'y', plugins: { legend: { display: false } } }
    });
  }

  var span = 'hour';
  function dashboard() {
    fetch('/api/dashboard?span=' + span, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (d) {
      document.getElementById('chart-minutes-title').textContent = d.bucketMinutes === 1 ? 'Per minute' : 'Per ' + d.bucketMinutes + ' minutes';
      document.getElementById('span-source').textContent = d.span === 'day' ? '(counted by the ' + d.source + ')' : '';
      document.getElementById('t-accepted').textContent = d.totals.accepted;
      document.getElementById('t-refused').textContent = d.totals.refused;
      document.getElementById('t-deferred').textContent = d.totals.deferred;
      var sets = [
        { label: 'accepted', data: d.accepted, borderColor: '#067647', backgroundColor: 'rgba(6,118,71,.15)', fill: true },
        { label: 'refused', data: d.refused, borderColor: '#b42318', backgroundColor: 'rgba(180,35,24,.15)', fill: true },
        { label: 'deferred', data: d.deferred, borderColor: '#b54708', backgroundColor: 'rgba(181,71,8,.15)', fill: true }
      ];
      if (charts.minutes) { charts.minutes.data.labels = d.labels; charts.minutes.data.datasets.forEach(function (s, i) { s.data = sets[i].data; }); charts.minutes.update(); }
      else charts.minutes = new Chart(document.getElementById('chart-minutes'), {
        type: 'line', data: { labels: d.labels, datasets: sets },
        options: { animation: false, aspectRatio: 4, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      });
      barChart('chart-codes', d.byCode, '#b42318');
      barChart('chart-checks', d.byCheck, '#2459c2');
      topTable('top-networks', d.topNetworks);
      topTable('top-domains', d.topSenderDomains);
      document.body.setAttribute('data-span', d.span);
      document.body.setAttribute('data-dashboard', 'drawn');
    });
  }

  function live() {
    var body = document.querySelector('#live tbody');
    var status = document.getElementById('live-status');
    var droppedNote = document.getElementById('dropped');
    var pauseButton = document.getElementById('pause');
    var paused = false, held = [], heldDropped = 0, serverDropped = 0, MAX_HELD = 500, MAX_ROWS = 500;
    function note() {
      var n = serverDropped + heldDropped;
      droppedNote.hidden = n === 0;
      droppedNote.textContent = 'dropped ' + n + ' line(s)';
    }
    function show(e) {
      var tr = document.createElement('tr');
      tr.className = e.outcome;
      cell(tr, e.time.substring(11, 19), 'time');
      cell(tr, e.door);
      cell(tr, e.outcome, 'outcome');
      cell(tr, e.stage);
      cell(tr, e.client);
      cell(tr, e.helo, 'helo');
      cell(tr, e.sender, 'sender');
      cell(tr, (e.recipients || []).join(', '));
      cell(tr, e.code, 'code');
      cell(tr, e.check, 'check');
      var td = cell(tr, '');
      var a = document.createElement('a');
      a.href = '/trace/session/' + encodeURIComponent(e.session);
      a.textContent = e.session;
      td.appendChild(a);
      tr.title = (e.reply || []).join('\n');
      body.insertBefore(tr, body.firstChild);
      while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
    }
    pauseButton.addEventListener('click', function () {
      paused = !paused;
      pauseButton.textContent = paused ? 'Resume' : 'Pause';
      if (!paused) { held.forEach(show); held = []; }
    });
    var qs = new URLSearchParams(new FormData(document.getElementById('live-filters')));
    var es = new EventSource('/live/stream?' + qs.toString());
    es.onopen = function () { status.textContent = 'live'; };
    es.onerror = function () { status.textContent = 'reconnecting…'; };
    es.addEventListener('decision', function (m) {
      var e = JSON.parse(m.data);
      if (paused) {
        if (held.length < MAX_HELD) held.push(e); else { heldDropped++; note(); }
      } else show(e);
    });
    es.addEventListener('dropped', function (m) { serverDropped = JSON.parse(m.data).dropped; note(); });
  }

  if (page === 'dashboard') {
    ['span-hour', 'span-day'].forEach(function (id) {
      document.getElementById(id).addEventListener('click', function (ev) {
        span = ev.target.getAttribute('data-span');
        document.getElementById('span-hour').setAttribute('aria-pressed', String(span === 'hour'));
        document.getElementById('span-day').setAttribute('aria-pressed', String(span === 'day'));
        dashboard();
      });
    });
    dashboard(); setInterval(dashboard, 15000);
  }
  if (page === 'live') live();
})();
