import { CategoryScale, Chart as ChartJS, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { Line } from 'react-chartjs-2';

ChartJS.register(CategoryScale, LinearScale, LineElement, PointElement, Tooltip);

/**
 * A count over time as a line (log size by day, captured events by hour or day). `description` is its text
 * alternative; the pages that draw it also offer the same figures as a table.
 */
export default function CountLineChart({
  xs,
  counts,
  labels,
  description,
}: {
  xs: string[];
  counts: number[];
  labels: { x: string; count: string };
  description: string;
}) {
  return (
    <div className="chart-box">
      <Line
        role="img"
        aria-label={description}
        options={{
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false } },
          scales: {
            x: { title: { display: true, text: labels.x } },
            y: { beginAtZero: true, title: { display: true, text: labels.count }, ticks: { precision: 0 } },
          },
        }}
        data={{
          labels: xs,
          datasets: [{ label: labels.count, data: counts, borderColor: '#1f4fd1', backgroundColor: '#1f4fd1' }],
        }}
      />
    </div>
  );
}
