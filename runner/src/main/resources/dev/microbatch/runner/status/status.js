// Polls the JSON API every second. A streaming job: Spark Streaming's four timelines, their
// histograms, and the batch, input and watermark tables. A batch job: its stages, as Spark's stage
// table. Both: Beam's metrics.
const SERIES = ['inputRate', 'schedulingDelay', 'processingTime', 'totalDelay'];
const charts = {};

function lineChart(id, label, withInterval) {
  const datasets = [{ label, data: [], borderColor: '#3366cc', pointRadius: 0, borderWidth: 1.5 }];
  if (withInterval) {
    datasets.push({ label: 'batch interval', data: [], borderColor: '#cc3333', borderDash: [4, 4], pointRadius: 0, borderWidth: 1 });
  }
  return new Chart(document.getElementById(id), {
    type: 'line',
    data: { labels: [], datasets },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: withInterval } },
               scales: { x: { ticks: { maxTicksLimit: 6 } }, y: { beginAtZero: true } } }
  });
}

function histogram(id) {
  return new Chart(document.getElementById(id), {
    type: 'bar',
    data: { labels: [], datasets: [{ data: [], backgroundColor: '#7799dd' }] },
    options: { animation: false, maintainAspectRatio: false, indexAxis: 'y', plugins: { legend: { display: false } } }
  });
}

function setUp() {
  charts.inputRate = lineChart('inputRate', 'records/s', false);
  charts.schedulingDelay = lineChart('schedulingDelay', 'ms', false);
  charts.processingTime = lineChart('processingTime', 'ms', true);
  charts.totalDelay = lineChart('totalDelay', 'ms', false);
  for (const s of SERIES) {
    charts[s + 'Histogram'] = histogram(s + 'Histogram');
  }
}

function buckets(values) {
  if (values.length === 0) return { labels: [], counts: [] };
  const max = Math.max(...values, 1);
  const width = Math.ceil(max / 10);
  const counts = new Array(10).fill(0);
  for (const v of values) counts[Math.min(9, Math.floor(v / width))]++;
  return { labels: counts.map((_, i) => (i * width) + '-' + ((i + 1) * width)), counts };
}

function time(ms) {
  // Beam's start and end of time lie outside what a Date can hold
  if (ms <= -8.64e15) return 'start of time';
  if (ms >= 8.64e15) return 'end of time';
  return new Date(ms).toISOString().substring(11, 23);
}

function duration(ms) {
  const s = Math.floor(ms / 1000);
  return s >= 3600 ? Math.floor(s / 3600) + ' h ' + Math.floor(s % 3600 / 60) + ' min'
       : s >= 60 ? Math.floor(s / 60) + ' min ' + (s % 60) + ' s' : s + ' s';
}

function fill(tableId, rows) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren(...rows.map(cells => {
    const tr = document.createElement('tr');
    for (const cell of cells) {
      const td = document.createElement('td');
      td.textContent = cell;
      if (typeof cell === 'string' && isNaN(Number(cell.replace(/[ ,]/g, '')))) td.className = 'text';
      tr.appendChild(td);
    }
    return tr;
  }));
}

function bytes(n) {
  return n >= 1 << 30 ? (n / (1 << 30)).toFixed(1) + ' GiB'
       : n >= 1 << 20 ? (n / (1 << 20)).toFixed(1) + ' MiB'
       : n >= 1 << 10 ? (n / (1 << 10)).toFixed(1) + ' KiB' : n + ' B';
}

function showMode(streaming) {
  document.querySelector('h1').textContent = streaming ? 'Streaming statistics' : 'Batch job';
  document.getElementById('streamingCharts').hidden = !streaming;
  document.getElementById('streamingMode').hidden = !streaming;
  document.getElementById('batchMode').hidden = streaming;
  if (streaming && !charts.inputRate) setUp();
}

function drawStages(jobs) {
  showMode(false);
  const body = document.querySelector('#stages tbody');
  body.replaceChildren(...jobs.jobs.flatMap(job => job.stages.map(stage => {
    const tr = document.createElement('tr');
    const cell = (content, className) => {
      const td = document.createElement('td');
      if (typeof content === 'string' || typeof content === 'number') td.textContent = content;
      else td.appendChild(content);
      if (className) td.className = className;
      tr.appendChild(td);
    };
    cell(job.id + ' (' + job.state + ')', 'text');
    cell(stage.id);
    cell(stage.names.join(', ') || '-', 'text transforms');
    const bar = document.createElement('progress');
    bar.max = stage.tasks;
    bar.value = stage.tasksDone;
    cell(bar);
    cell(stage.tasksDone + ' / ' + stage.tasks);
    cell(stage.recordsRead);
    cell(stage.recordsWritten);
    cell(bytes(stage.spilledBytes));
    return tr;
  })));
}

function draw(batches) {
  if (!batches.streaming) {
    return false;
  }
  showMode(true);
  const completed = batches.completed;
  const interval = batches.batchIntervalMillis;
  document.getElementById('interval').textContent = interval + ' ms';
  document.getElementById('uptime').textContent = duration(Date.now() - batches.startTime);
  document.getElementById('completedBatches').textContent = batches.totals.completedBatches;
  document.getElementById('totalRecords').textContent = batches.totals.records;
  document.getElementById('runningCount').textContent = Object.keys(batches.running).length;
  document.getElementById('waitingCount').textContent = batches.waiting.length;
  const values = {
    inputRate: completed.map(b => Math.round(b.records * 1000 / interval)),
    schedulingDelay: completed.map(b => b.schedulingDelay),
    processingTime: completed.map(b => b.processingTime),
    totalDelay: completed.map(b => b.totalDelay)
  };
  const labels = completed.map(b => time(b.batchTime));
  for (const s of SERIES) {
    const chart = charts[s];
    chart.data.labels = labels;
    chart.data.datasets[0].data = values[s];
    if (chart.data.datasets.length > 1) chart.data.datasets[1].data = labels.map(() => interval);
    chart.update();
    const h = buckets(values[s]);
    charts[s + 'Histogram'].data.labels = h.labels;
    charts[s + 'Histogram'].data.datasets[0].data = h.counts;
    charts[s + 'Histogram'].update();
    const last = values[s].length ? values[s][values[s].length - 1] : '-';
    document.getElementById(s + 'Now').textContent = 'last: ' + last + (s === 'inputRate' ? ' records/s' : ' ms');
  }
  const lastBatch = completed[completed.length - 1];
  fill('inputs', Object.entries(batches.totals.recordsByInput).map(([input, records]) =>
      [input, records, lastBatch ? (lastBatch.inputRecords[input] ?? 0) : 0,
       lastBatch ? Math.round((lastBatch.inputRecords[input] ?? 0) * 1000 / interval) : 0,
       lastBatch && lastBatch.sourceBudgets[input] != null ? lastBatch.sourceBudgets[input] : 'none']));
  fill('watermarks', Object.entries(batches.watermarks).map(([pcollection, ms]) => [pcollection, time(ms)]));
  fill('running', [
    ...Object.entries(batches.running).map(([batchTime, since]) =>
        [time(Number(batchTime)), 'running for ' + (Date.now() - since) + ' ms']),
    ...batches.waiting.map(batchTime => [time(batchTime), 'waiting'])]);
  fill('completed', completed.slice(-100).reverse().map(b =>
      [time(b.batchTime), b.records, b.recordBudget != null ? b.recordBudget : 'none',
       b.schedulingDelay + ' ms', b.processingTime + ' ms', b.totalDelay + ' ms', time(b.watermark)]));
  return true;
}

function drawMetrics(metrics) {
  fill('metrics', [
    ...metrics.counters.map(m => [m.step, m.namespace, m.name, m.value]),
    ...metrics.distributions.map(m => [m.step, m.namespace, m.name, 'count ' + m.count + ', sum ' + m.sum + ', min ' + m.min + ', max ' + m.max]),
    ...metrics.gauges.map(m => [m.step, m.namespace, m.name, m.value])
  ]);
}

async function refresh() {
  try {
    if (!draw(await (await fetch('api/batches')).json())) {
      drawStages(await (await fetch('api/jobs')).json());
    }
    drawMetrics(await (await fetch('api/metrics')).json());
  } catch (e) {
    const title = document.querySelector('h1');
    if (!title.textContent.endsWith('(the job has ended)')) title.textContent += ' (the job has ended)';
  }
}

refresh();
setInterval(refresh, 1000);
