import { useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useNavigate } from 'react-router';
import type { AssetGraph } from '@/api/assets';
import { layoutGraph, type Point } from '@/lib/graphLayout';
import { relationshipLabel } from '@/lib/relationships';

const WIDTH = 900;
const HEIGHT = 520;
const DEPTH_COLORS = ['#0d6efd', '#20c997', '#fd7e14', '#6f42c1'];

export function GraphLegend() {
  return (
    <ul className="list-inline small text-body-secondary mt-2 mb-0" aria-label="Legend">
      {['This asset', '1 hop', '2 hops', '3 hops'].map((label, depth) => (
        <li key={label} className="list-inline-item me-3">
          <span className="d-inline-block rounded-circle me-1 align-middle" style={{ width: 10, height: 10, background: DEPTH_COLORS[depth] }} aria-hidden="true" />
          {label}
        </li>
      ))}
    </ul>
  );
}

/** Interactive SVG neighbourhood: drag nodes, hover to highlight links, click or Enter to open. */
export function RelationshipGraph({ graph, centreId }: { graph: AssetGraph; centreId: number }) {
  const navigate = useNavigate();
  const initial = useMemo(() => layoutGraph(graph.nodes, graph.edges, WIDTH, HEIGHT), [graph]);
  const [moved, setMoved] = useState<Map<number, Point>>(new Map());
  const [hover, setHover] = useState<number | null>(null);
  const drag = useRef<{ id: number; moved: boolean } | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const pos = (id: number) => moved.get(id) ?? initial.get(id) ?? { x: 0, y: 0 };

  function toSvg(event: PointerEvent): Point {
    const rect = svgRef.current!.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) / rect.width) * WIDTH, y: ((event.clientY - rect.top) / rect.height) * HEIGHT };
  }
  function onPointerMove(event: PointerEvent<SVGSVGElement>) {
    if (!drag.current) return;
    drag.current.moved = true;
    const point = toSvg(event);
    setMoved((current) => new Map(current).set(drag.current!.id, point));
  }
  function onPointerUp() {
    const state = drag.current;
    drag.current = null;
    if (state && !state.moved && state.id !== centreId) navigate(`/assets/${state.id}/graph`);
  }
  const onKey = (id: number) => (event: KeyboardEvent) => {
    if (event.key === 'Enter') navigate(`/assets/${id}`);
  };
  const linked = (edge: { source: number; target: number }) => hover !== null && (edge.source === hover || edge.target === hover);

  return (
    <svg
      ref={svgRef}
      className="graph-canvas"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="group"
      aria-label={`Relationship graph with ${graph.nodes.length} assets and ${graph.edges.length} relationships`}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerLeave={() => (drag.current = null)}
    >
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="22" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#6c757d" />
        </marker>
      </defs>
      {graph.edges.map((edge) => {
        const a = pos(edge.source);
        const b = pos(edge.target);
        return (
          <g key={edge.id}>
            <line x1={a.x} y1={a.y} x2={b.x} y2={b.y} strokeWidth={linked(edge) ? 2.5 : 1.2} strokeOpacity={hover === null || linked(edge) ? 0.9 : 0.2} markerEnd="url(#arrow)" />
            {linked(edge) && (
              <text x={(a.x + b.x) / 2} y={(a.y + b.y) / 2 - 4} textAnchor="middle" style={{ fontSize: 11 }}>
                {relationshipLabel(edge.relationship_type)}
              </text>
            )}
          </g>
        );
      })}
      {graph.nodes.map((node) => {
        const p = pos(node.id);
        const faded = hover !== null && hover !== node.id && !graph.edges.some((e) => linked(e) && (e.source === node.id || e.target === node.id));
        return (
          <g
            key={node.id}
            role="link"
            tabIndex={0}
            aria-label={`${node.name || node.asset_id} (${node.service || node.asset_type}), depth ${node.depth}. Enter opens the asset.`}
            transform={`translate(${p.x},${p.y})`}
            style={{ cursor: 'pointer', opacity: faded ? 0.3 : 1 }}
            onPointerDown={(event) => {
              (event.target as Element).setPointerCapture?.(event.pointerId);
              drag.current = { id: node.id, moved: false };
            }}
            onPointerEnter={() => setHover(node.id)}
            onPointerLeave={() => setHover(null)}
            onFocus={() => setHover(node.id)}
            onBlur={() => setHover(null)}
            onKeyDown={onKey(node.id)}
          >
            <circle r={node.id === centreId ? 16 : 11} fill={DEPTH_COLORS[Math.min(node.depth, 3)]} stroke="#fff" strokeWidth={2} />
            <text y={node.id === centreId ? 30 : 24} textAnchor="middle">
              {(node.name || node.asset_id).slice(0, 28)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
