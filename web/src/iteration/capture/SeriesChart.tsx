import { CategoryScale, Chart as ChartJS, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { Line } from 'react-chartjs-2';

ChartJS.register(CategoryScale, LinearScale, LineElement, PointElement, Tooltip);

/** Events over time; `description` is its text alternative (the same figures are in the table below it). */
export default function SeriesChart({
  times,
  counts,
  labels,
  description,
}: {
  times: string[];
  counts: number[];
  labels: { time: string; count: string };
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
            x: { title: { display: true, text: labels.time } },
            y: { beginAtZero: true, title: { display: true, text: labels.count }, ticks: { precision: 0 } },
          },
        }}
        data={{
          labels: times,
          datasets: [{ label: labels.count, data: counts, borderColor: '#1f4fd1', backgroundColor: '#1f4fd1' }],
        }}
      />
    </div>
  );
}
