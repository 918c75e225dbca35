import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';

ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip, Legend);

export interface UsageSeries {
  labels: string[];
  ok: number[];
  clientErrors: number[];
  serverErrors: number[];
}

/**
 * Calls per day, stacked: answered, client errors (4xx), server errors (5xx). The chart.js canvas, as the
 * data explorer draws its charts; `description` is its text alternative (the table of days sits next to it).
 */
export default function UsageChart({
  series,
  labels,
  description,
}: {
  series: UsageSeries;
  labels: { ok: string; clientErrors: string; serverErrors: string; day: string; calls: string };
  description: string;
}) {
  return (
    <div className="chart-box usage-chart">
      <Bar
        role="img"
        aria-label={description}
        options={{
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: true, position: 'bottom' } },
          scales: {
            x: { stacked: true, title: { display: true, text: labels.day } },
            y: {
              stacked: true,
              beginAtZero: true,
              title: { display: true, text: labels.calls },
              ticks: { precision: 0 },
            },
          },
        }}
        data={{
          labels: series.labels,
          datasets: [
            { label: labels.ok, data: series.ok, backgroundColor: '#1f4fd1' },
            { label: labels.clientErrors, data: series.clientErrors, backgroundColor: '#b45309' },
            { label: labels.serverErrors, data: series.serverErrors, backgroundColor: '#b91c1c' },
          ],
        }}
      />
    </div>
  );
}
