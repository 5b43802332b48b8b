import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Sample } from './run-sampler.js';
import type { StageSecond } from './stage-summary.js';

interface Chart {
  title: string;
  unit: string;
  series: { label: string; values: (number | null)[] }[];
}

/**
 * A report that opens in a browser without a server: uPlot (script and style inlined from
 * node_modules) and the run's time series as JSON in the page.
 */
export function reportHtml(
  title: string,
  summaryText: string,
  stages: Record<string, StageSecond[]>,
  samples: readonly Sample[],
): string {
  const require = createRequire(import.meta.url);
  const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const end = Math.ceil(
    Math.max(0, ...samples.map((s) => s.t), ...Object.values(stages).flatMap((list) => list.map((s) => s.t))),
  );
  const xs = Array.from({ length: end + 1 }, (_, t) => t);
  const perStage = (pick: (s: StageSecond) => number): Chart['series'] =>
    Object.entries(stages).map(([stage, list]) => {
      const byT = new Map(list.map((s) => [s.t, pick(s)]));
      return { label: stage, values: xs.map((t) => byT.get(t) ?? null) };
    });
  const bySecond = (pick: (s: Sample, previous: Sample | undefined) => number | null): (number | null)[] => {
    const byT = new Map<number, number | null>();
    samples.forEach((s, i) => byT.set(Math.round(s.t), pick(s, samples[i - 1])));
    return xs.map((t) => byT.get(t) ?? null);
  };
  const rate = (value: (s: Sample) => number) => (s: Sample, previous: Sample | undefined) =>
    previous ? (value(s) - value(previous)) / Math.max(0.1, s.t - previous.t) : null;
  const kinds = [...new Set(samples.flatMap((s) => Object.keys(s.cpu)))];
  const charts: Chart[] = [
    { title: 'Throughput per stage', unit: 'requests/s', series: perStage((s) => s.requests) },
    { title: 'p99 latency per stage', unit: 'ms', series: perStage((s) => Math.round(s.p99)) },
    {
      title: 'Waiting room',
      unit: 'fans, fans/s',
      series: [
        { label: 'waiting', values: bySecond((s) => s.waiting) },
        { label: 'admitted/s', values: bySecond(rate((s) => s.admitted)) },
        { label: 'seats sold/s', values: bySecond(rate((s) => s.seatsPaid)) },
      ],
    },
    { title: 'Projection lag', unit: 'events', series: [{ label: 'lag', values: bySecond((s) => s.projectionLag) }] },
    {
      title: 'CPU per process kind',
      unit: '% of one core',
      series: kinds.map((kind) => ({ label: kind, values: bySecond((s) => s.cpu[kind] ?? null) })),
    },
  ];
  const data = JSON.stringify({ xs, charts }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${uplotCss}
body{font-family:system-ui,sans-serif;margin:24px;color:#222}pre{background:#f6f6f6;padding:12px;overflow:auto;font-size:12px}
h2{font-size:16px;margin:28px 0 4px}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<pre>${escapeHtml(summaryText)}</pre>
<div id="charts"></div>
<script>${uplotJs}</script>
<script>
const run = ${data};
const colors = ['#1f77b4','#d62728','#2ca02c','#ff7f0e','#9467bd','#8c564b','#e377c2','#17becf'];
for (const chart of run.charts) {
  const h = document.createElement('h2');
  h.textContent = chart.title + ' (' + chart.unit + ')';
  document.getElementById('charts').appendChild(h);
  const div = document.createElement('div');
  document.getElementById('charts').appendChild(div);
  new uPlot({
    width: Math.min(1100, window.innerWidth - 60), height: 260,
    scales: { x: { time: false } },
    axes: [{ label: 'seconds since the first fan' }, { label: chart.unit }],
    series: [{ label: 's' }, ...chart.series.map((s, i) => ({ label: s.label, stroke: colors[i % colors.length], width: 1.5, spanGaps: false }))],
  }, [run.xs, ...chart.series.map((s) => s.values)], div);
}
</script></body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
