import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface Series {
  label: string;
  color: string;
}

/** A live line chart (uPlot): x = Unix seconds, one y array per series; redrawn when the data changes. */
export function RateChart(props: {
  series: readonly Series[];
  data: [number[], ...(number | null)[][]];
  height?: number;
  bars?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  useEffect(() => {
    const element = box.current!;
    plot.current = new uPlot(
      {
        width: Math.max(300, element.clientWidth),
        height: props.height ?? 160,
        legend: { live: false },
        scales: { x: { time: true } },
        axes: [{}, { size: 40 }],
        series: [
          {},
          ...props.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            ...(props.bars ? { fill: `${s.color}55`, paths: uPlot.paths.bars!({ size: [0.6, 20] }) } : {}),
          })),
        ],
      },
      props.data as uPlot.AlignedData,
      element,
    );
    const resize = (): void =>
      plot.current?.setSize({ width: Math.max(300, element.clientWidth), height: props.height ?? 160 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.current?.destroy();
    };
  }, [props.series.length]);
  useEffect(() => plot.current?.setData(props.data as uPlot.AlignedData), [props.data]);
  return <div ref={box} />;
}
