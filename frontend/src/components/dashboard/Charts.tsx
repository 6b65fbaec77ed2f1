import type { ReactNode } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Cell, Legend, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MonthPoint, Slice } from '@/lib/chartData';
import { formatMoney } from '@/lib/format';
import { EmptyState } from '@/components/ui/States';

const PRIMARY = '#3d8bfd';
const shorten = (label: string) => (label.length > 20 ? `${label.slice(0, 19)}…` : label);
const SECONDARY = '#20c997';

function ChartCard({ title, children, summary }: { title: string; children: ReactNode; summary: string }) {
  return (
    <section className="card h-100" aria-label={title}>
      <div className="card-body">
        <h2 className="h6">{title}</h2>
        <p className="visually-hidden">{summary}</p>
        <div style={{ width: '100%', height: 260 }} aria-hidden="true">
          {children}
        </div>
      </div>
    </section>
  );
}

const describe = (slices: Slice[], format: (v: number) => string = String) =>
  slices.map((slice) => `${slice.name}: ${format(slice.value)}`).join(', ') || 'No data.';

export function BarCard({ title, data, money, currency }: { title: string; data: Slice[]; money?: boolean; currency?: string }) {
  const format = (value: number) => (money ? formatMoney(value, currency) : String(value));
  if (data.length === 0)
    return (
      <section className="card h-100" aria-label={title}>
        <div className="card-body">
          <h2 className="h6">{title}</h2>
          <EmptyState title="No data yet" icon="bar-chart" />
        </div>
      </section>
    );
  return (
    <ChartCard title={title} summary={describe(data, format)}>
      <ResponsiveContainer>
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} strokeOpacity={0.3} />
          <XAxis type="number" tickFormatter={(v: number) => (money ? formatMoney(v, currency) : String(v))} />
          <YAxis type="category" dataKey="name" width={130} interval={0} tick={{ fontSize: 12 }} tickFormatter={shorten} />
          <Tooltip formatter={(value) => format(Number(value))} />
          <Bar dataKey="value" name={money ? 'Cost' : 'Assets'} fill={money ? SECONDARY : PRIMARY} radius={[0, 3, 3, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function DonutCard({ title, data }: { title: string; data: (Slice & { color: string })[] }) {
  return (
    <ChartCard title={title} summary={describe(data)}>
      <ResponsiveContainer>
        <PieChart>
          <Pie data={data} dataKey="value" nameKey="name" innerRadius="55%" outerRadius="85%" paddingAngle={2}>
            {data.map((slice) => (
              <Cell key={slice.name} fill={slice.color} />
            ))}
          </Pie>
          <Tooltip />
          <Legend />
        </PieChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function TrendCard({ title, data, currency }: { title: string; data: MonthPoint[]; currency: string }) {
  return (
    <ChartCard title={title} summary={data.map((p) => `${p.label}: ${formatMoney(p.amount, currency)}`).join(', ')}>
      <ResponsiveContainer>
        <AreaChart data={data} margin={{ left: 8, right: 16 }}>
          <defs>
            <linearGradient id="costFill" x1="0" y1="0" x2="0" y2="1">
              <stop offset="5%" stopColor={PRIMARY} stopOpacity={0.5} />
              <stop offset="95%" stopColor={PRIMARY} stopOpacity={0.05} />
            </linearGradient>
          </defs>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="label" />
          <YAxis tickFormatter={(v: number) => formatMoney(v, currency)} width={80} />
          <Tooltip formatter={(value) => formatMoney(Number(value), currency)} />
          <Area type="monotone" dataKey="amount" name="Cost" stroke={PRIMARY} fill="url(#costFill)" strokeWidth={2} />
        </AreaChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
