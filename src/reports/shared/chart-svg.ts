/**
 * Charts drawn on the server as SVG with Apache ECharts (server-side rendering, no browser), in
 * GOV.UK colours. Pages show them as <img> with alternative text and a data table beside them.
 */
import type * as ECharts from 'echarts';

/** ECharts, loaded for the first chart: a large library most servers and test suites never draw with. */
let library: typeof ECharts | null = null;
const echarts = (): typeof ECharts => (library ??= require('echarts') as typeof ECharts);

/** GOV.UK Frontend brand colours, one per level, distinct in lightness as well as hue. */
export const LEVEL_COLOURS = ['#1d70b8', '#f47738', '#54319f', '#0f7a52', '#ca357c'];
const TEXT = '#0b0c0c';
const GRID = '#cecece';
const FONT = 'Arial, Helvetica, sans-serif';

export interface ChartSeries {
  name: string;
  values: (number | null)[];
}

export interface ChartData {
  title: string;
  categories: string[];
  series: ChartSeries[];
}

export interface ChartSize {
  width?: number;
  height?: number;
}

function render(option: ECharts.EChartsOption, size: ChartSize): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: size.width ?? 640, height: size.height ?? 320 });
  try {
    chart.setOption({
      animation: false,
      color: LEVEL_COLOURS,
      textStyle: { fontFamily: FONT, color: TEXT, fontSize: 13 },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const common = (data: ChartData) => ({
  title: { text: data.title, left: 0, top: 0, textStyle: { fontFamily: FONT, fontSize: 16, fontWeight: 'bold' as const, color: TEXT } },
  legend: { top: 28, left: 0, itemGap: 20, textStyle: { fontFamily: FONT, color: TEXT, fontSize: 13 } },
  grid: { left: 48, right: 16, top: 72, bottom: 32, containLabel: false },
  xAxis: {
    type: 'category' as const,
    data: data.categories,
    axisLine: { lineStyle: { color: TEXT } },
    axisTick: { show: false },
    axisLabel: { color: TEXT, fontFamily: FONT, fontSize: 13 },
  },
});

/** Grouped bars: one group per category (quarter), one bar per series (level), each labelled with its value. */
export function barChartSvg(data: ChartData, size: ChartSize = {}): string {
  return render(
    {
      ...common(data),
      yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: GRID } }, axisLabel: { color: TEXT, fontFamily: FONT } },
      series: data.series.map((s) => ({
        type: 'bar',
        name: s.name,
        data: s.values.map((v) => v ?? 0),
        barMaxWidth: 36,
        label: { show: true, position: 'top', color: TEXT, fontFamily: FONT, fontSize: 11 },
      })),
    },
    size,
  );
}

/** Lines of percentages (0-100) per series; an empty value leaves a gap, never a false 0. */
export function percentLineChartSvg(data: ChartData, size: ChartSize = {}): string {
  return render(
    {
      ...common(data),
      yAxis: {
        type: 'value',
        min: 0,
        max: 100,
        interval: 20,
        splitLine: { lineStyle: { color: GRID } },
        axisLabel: { color: TEXT, fontFamily: FONT, formatter: '{value}%' },
      },
      series: data.series.map((s, i) => ({
        type: 'line',
        name: s.name,
        data: s.values.map((v) => (v === null ? '-' : v)),
        connectNulls: false,
        symbol: ['circle', 'rect', 'triangle', 'diamond', 'pin'][i % 5],
        symbolSize: 9,
        // No value labels: close lines would print over each other; the table beside has the values.
        lineStyle: { width: 3, type: (['solid', 'dashed', 'dotted'] as const)[i % 3] },
      })),
    },
    size,
  );
}
