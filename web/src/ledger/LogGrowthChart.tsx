import { CategoryScale, Chart as ChartJS, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { Line } from 'react-chartjs-2';

ChartJS.register(CategoryScale, LinearScale, LineElement, PointElement, Tooltip);

/** The log's size day by day; `description` is its text alternative (the table sits next to it). */
export default function LogGrowthChart({
  days,
  sizes,
  labels,
  description,
}: {
  days: string[];
  sizes: number[];
  labels: { day: string; size: string };
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
            x: { title: { display: true, text: labels.day } },
            y: { beginAtZero: true, title: { display: true, text: labels.size }, ticks: { precision: 0 } },
          },
        }}
        data={{
          labels: days,
          datasets: [{ label: labels.size, data: sizes, borderColor: '#1f4fd1', backgroundColor: '#1f4fd1' }],
        }}
      />
    </div>
  );
}
