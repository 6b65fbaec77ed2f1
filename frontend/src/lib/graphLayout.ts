/** A small deterministic force layout (repulsion + springs + centring) for neighbourhood graphs. */
export interface LayoutNode {
  id: number;
  depth: number;
}
export interface LayoutEdge {
  source: number;
  target: number;
}
export interface Point {
  x: number;
  y: number;
}

export function layoutGraph(nodes: LayoutNode[], edges: LayoutEdge[], width: number, height: number, iterations = 250): Map<number, Point> {
  const cx = width / 2;
  const cy = height / 2;
  const positions = new Map<number, Point>();
  // Start on rings by depth so the layout is stable between renders (no randomness).
  const byDepth = new Map<number, LayoutNode[]>();
  nodes.forEach((node) => byDepth.set(node.depth, [...(byDepth.get(node.depth) ?? []), node]));
  for (const [depth, ring] of byDepth) {
    ring.forEach((node, index) => {
      const angle = (2 * Math.PI * index) / ring.length + depth * 0.5;
      const radius = depth * Math.min(width, height) * 0.18;
      positions.set(node.id, { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) });
    });
  }
  const links = edges.filter((e) => positions.has(e.source) && positions.has(e.target));
  const ideal = Math.min(140, Math.max(70, Math.sqrt((width * height) / Math.max(nodes.length, 1)) * 0.8));
  for (let step = 0; step < iterations; step++) {
    const cooling = 1 - step / iterations;
    const force = new Map<number, Point>(nodes.map((n) => [n.id, { x: 0, y: 0 }]));
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = positions.get(nodes[i]!.id)!;
        const b = positions.get(nodes[j]!.id)!;
        const dx = a.x - b.x || 0.01;
        const dy = a.y - b.y || 0.01;
        const dist2 = Math.max(dx * dx + dy * dy, 1);
        const push = (ideal * ideal) / dist2;
        const fa = force.get(nodes[i]!.id)!;
        const fb = force.get(nodes[j]!.id)!;
        fa.x += dx * push * 0.05;
        fa.y += dy * push * 0.05;
        fb.x -= dx * push * 0.05;
        fb.y -= dy * push * 0.05;
      }
    }
    for (const link of links) {
      const a = positions.get(link.source)!;
      const b = positions.get(link.target)!;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const dist = Math.max(Math.sqrt(dx * dx + dy * dy), 1);
      const pull = ((dist - ideal) / dist) * 0.1;
      force.get(link.source)!.x += dx * pull;
      force.get(link.source)!.y += dy * pull;
      force.get(link.target)!.x -= dx * pull;
      force.get(link.target)!.y -= dy * pull;
    }
    for (const node of nodes) {
      const p = positions.get(node.id)!;
      const f = force.get(node.id)!;
      if (node.depth === 0) {
        p.x += (cx - p.x) * 0.2;
        p.y += (cy - p.y) * 0.2;
        continue;
      }
      const limit = 20 * cooling + 1;
      p.x += Math.max(-limit, Math.min(limit, f.x + (cx - p.x) * 0.005));
      p.y += Math.max(-limit, Math.min(limit, f.y + (cy - p.y) * 0.005));
      p.x = Math.max(40, Math.min(width - 40, p.x));
      p.y = Math.max(30, Math.min(height - 30, p.y));
    }
  }
  return positions;
}
