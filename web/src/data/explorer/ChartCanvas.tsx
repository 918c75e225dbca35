import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { Bar, Line, Scatter } from 'react-chartjs-2';
import type { ChartType } from './viewState';

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Tooltip, Legend);

export interface ChartSeries {
  labels: string[];
  values: number[];
  points: { x: number; y: number }[];
}

const COLOR = '#1f4fd1';

/** The chart.js canvas; `description` is its text alternative (the data table sits next to it). */
export function ChartCanvas({
  type,
  series,
  xLabel,
  yLabel,
  description,
}: {
  type: ChartType;
  series: ChartSeries;
  xLabel: string;
  yLabel: string;
  description: string;
}) {
  const scales = {
    x: { title: { display: true, text: xLabel } },
    y: { title: { display: true, text: yLabel }, beginAtZero: type === 'bar' },
  };
  const common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    plugins: { legend: { display: false } },
    scales,
  };
  const aria = { role: 'img', 'aria-label': description };
  return (
    <div className="chart-box">
      {type === 'bar' && (
        <Bar
          {...aria}
          options={common}
          data={{ labels: series.labels, datasets: [{ label: yLabel, data: series.values, backgroundColor: COLOR }] }}
        />
      )}
      {type === 'line' && (
        <Line
          {...aria}
          options={common}
          data={{
            labels: series.labels,
            datasets: [
              { label: yLabel, data: series.values, borderColor: COLOR, backgroundColor: COLOR, pointRadius: 2 },
            ],
          }}
        />
      )}
      {type === 'scatter' && (
        <Scatter
          {...aria}
          options={{ ...common, scales: { ...scales, x: { ...scales.x, type: 'linear' as const } } }}
          data={{ datasets: [{ label: yLabel, data: series.points, backgroundColor: COLOR }] }}
        />
      )}
    </div>
  );
}
