import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Cell, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { percentLabel, sliceTotal, type MonthPoint, type Slice } from '@/lib/chartData';
import { formatMoney, formatMoneyCompact, formatNumber, humanize } from '@/lib/format';
import { EmptyState } from '@/components/ui/States';

const PRIMARY = '#3d8bfd';
const SECONDARY = '#20c997';
const CHART_HEIGHT = 260;
// Service names from Cost Explorer are long ("Amazon Elastic Compute Cloud - Compute"): the vendor
// prefix carries no information on an AWS-only chart, and labels stay on one line.
const shorten = (label: string, max = 24) => {
  const short = label.replace(/^(Amazon|AWS)\s+/, '');
  return short.length > max ? `${short.slice(0, max - 1)}…` : short;
};
// Charts appear at once: an entry animation only delays the numbers (and screenshots catch it half drawn).
const STATIC = { isAnimationActive: false } as const;

/** One-line category tick with the full name as a tooltip. */
function CategoryTick(props: unknown) {
  const { x, y, payload } = props as { x: number; y: number; payload: { value: unknown } };
  const full = String(payload.value ?? '');
  return (
    <text x={x} y={y} dx={-4} dy={4} textAnchor="end" fontSize={12} className="recharts-text">
      <title>{full}</title>
      {shorten(full)}
    </text>
  );
}

function CardFrame({ title, children, note }: { title: string; children: ReactNode; note?: string }) {
  return (
    <section className="card h-100" aria-label={title}>
      <div className="card-body">
        <div className="d-flex justify-content-between align-items-baseline gap-2 mb-2">
          <h2 className="h6 mb-0">{title}</h2>
          {note && <span className="small text-body-secondary">{note}</span>}
        </div>
        {children}
      </div>
    </section>
  );
}

function ChartEmpty({ title, message = 'No data yet', icon = 'bar-chart' }: { title: string; message?: string; icon?: string }) {
  return (
    <CardFrame title={title}>
      <div className="d-flex align-items-center justify-content-center" style={{ minHeight: CHART_HEIGHT }}>
        <EmptyState title={message} icon={icon} />
      </div>
    </CardFrame>
  );
}

function ChartCard({ title, children, summary, note }: { title: string; children: ReactNode; summary: string; note?: string }) {
  return (
    <CardFrame title={title} note={note}>
      <p className="visually-hidden">{summary}</p>
      <div style={{ width: '100%', height: CHART_HEIGHT }} aria-hidden="true">
        {children}
      </div>
    </CardFrame>
  );
}

const describe = (slices: Slice[], format: (v: number) => string = String) =>
  slices.map((slice) => `${slice.name}: ${format(slice.value)}`).join(', ') || 'No data.';

export function BarCard({ title, data, money, currency }: { title: string; data: Slice[]; money?: boolean; currency?: string }) {
  const format = (value: number) => (money ? formatMoney(value, currency) : String(value));
  if (data.length === 0) return <ChartEmpty title={title} />;
  return (
    <ChartCard title={title} summary={describe(data, format)}>
      <ResponsiveContainer>
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} strokeOpacity={0.3} />
          <XAxis type="number" allowDecimals={false} tickFormatter={(v: number) => (money ? formatMoneyCompact(v, currency) : formatNumber(v))} />
          <YAxis type="category" dataKey="name" width={money ? 170 : 110} interval={0} tick={CategoryTick} />
          <Tooltip formatter={(value) => format(Number(value))} cursor={{ fillOpacity: 0.1 }} />
          <Bar {...STATIC} dataKey="value" name={money ? 'Cost' : 'Assets'} fill={money ? SECONDARY : PRIMARY} radius={[0, 3, 3, 0]} maxBarSize={28} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

/** Where a criticality legend entry leads: the asset list filtered to it. */
const criticalityLink = (name: string) => (name === 'unset' ? '/assets?missing=criticality' : `/assets?criticality=${encodeURIComponent(name)}`);

export function DonutCard({ title, data }: { title: string; data: (Slice & { color: string })[] }) {
  const total = sliceTotal(data);
  if (total === 0) return <ChartEmpty title={title} message="No assets yet" icon="pie-chart" />;
  const single = data.length === 1;
  return (
    <CardFrame title={title}>
      <p className="visually-hidden">{describe(data)}</p>
      <div className="d-flex flex-wrap align-items-center justify-content-center gap-4" style={{ minHeight: CHART_HEIGHT }}>
        <div className="donut position-relative flex-shrink-0" style={{ width: 220, height: 220 }} aria-hidden="true">
          <PieChart width={220} height={220}>
            <Pie
              {...STATIC}
              data={data}
              dataKey="value"
              nameKey="name"
              cx="50%"
              cy="50%"
              innerRadius={68}
              outerRadius={100}
              startAngle={90}
              endAngle={-270}
              // A lone slice is a full ring; padding would leave a notch in it.
              paddingAngle={single ? 0 : 1}
              minAngle={single ? 0 : 3}
              stroke="var(--bs-body-bg)"
              strokeWidth={single ? 0 : 1}
            >
              {data.map((slice) => (
                <Cell key={slice.name} fill={slice.color} />
              ))}
            </Pie>
            <Tooltip formatter={(value, name) => [`${formatNumber(Number(value))} (${percentLabel(Number(value), total)})`, humanize(String(name))]} />
          </PieChart>
          <div className="donut-centre position-absolute top-50 start-50 translate-middle text-center pe-none">
            <div className="fs-4 fw-semibold lh-1">{formatNumber(total)}</div>
            <div className="small text-body-secondary">assets</div>
          </div>
        </div>
        <ul className="list-unstyled mb-0 small chart-legend">
          {data.map((slice) => (
            <li key={slice.name} className="d-flex align-items-center gap-2 py-1">
              <span className="legend-swatch" style={{ background: slice.color }} aria-hidden="true" />
              <Link to={criticalityLink(slice.name)} className="link-body-emphasis text-decoration-none flex-grow-1">
                {humanize(slice.name)}
              </Link>
              <span className="fw-semibold font-monospace text-end ms-3">{formatNumber(slice.value)}</span>
              <span className="text-body-secondary text-end" style={{ minWidth: '2.75rem' }}>
                {percentLabel(slice.value, total)}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </CardFrame>
  );
}

export function TrendCard({ title, data, currency }: { title: string; data: MonthPoint[]; currency: string }) {
  if (data.every((point) => point.amount === 0)) return <ChartEmpty title={title} message="No cost data yet" icon="graph-up" />;
  const last = data.at(-1);
  return (
    <ChartCard
      title={title}
      note={last ? `${last.label} is month to date` : undefined}
      summary={data.map((p) => `${p.label}: ${formatMoney(p.amount, currency)}`).join(', ')}
    >
      <ResponsiveContainer>
        <AreaChart data={data} margin={{ left: 8, right: 16 }}>
          <defs>
            <linearGradient id="costFill" x1="0" y1="0" x2="0" y2="1">
              <stop offset="5%" stopColor={PRIMARY} stopOpacity={0.5} />
              <stop offset="95%" stopColor={PRIMARY} stopOpacity={0.05} />
            </linearGradient>
          </defs>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="label" interval="preserveStartEnd" minTickGap={8} tick={{ fontSize: 12 }} />
          <YAxis tickFormatter={(v: number) => formatMoneyCompact(v, currency)} width={56} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(value) => formatMoney(Number(value), currency)} />
          {/* Linear, not monotone: a smoothed curve invents values between months. Dots mark every month. */}
          <Area {...STATIC} type="linear" dataKey="amount" name="Cost" stroke={PRIMARY} fill="url(#costFill)" strokeWidth={2} dot={{ r: 2.5 }} activeDot={{ r: 4 }} />
        </AreaChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
