/**
 * Lays out a workflow's steps as a left-to-right graph, without a library:
 *
 * 1. each step sits in the column of its level, which the server computes (`WorkflowStep.level`:
 *    one right of its furthest dependency);
 * 2. an edge spanning several columns gets a hidden node in each column it crosses, so that
 *    it is ordered (and bent) like a real node instead of cutting through other steps;
 * 3. within a column, nodes are ordered by the barycentre heuristic (the mean position of
 *    their neighbours in the previous, then the next column), keeping the order with the
 *    fewest crossings;
 * 4. columns are centred vertically; edges are smooth curves through their hidden nodes.
 *
 * Pure functions of the steps: the page re-runs them only when the steps change shape.
 */

export interface DagInput {
	id: string;
	/** Ids this node waits for; unknown ids are ignored. */
	deps: readonly string[];
	/** Its column, from 0. */
	level: number;
}

export interface DagNode {
	id: string;
	layer: number;
	/** Position within its layer, from the top. */
	order: number;
	/** Top-left corner. */
	x: number;
	y: number;
}

export interface DagEdge {
	source: string;
	target: string;
	/** Source's right side, each hidden node's centre, target's left side. */
	points: [number, number][];
	/** SVG path data. */
	path: string;
}

export interface DagLayout {
	nodes: DagNode[];
	edges: DagEdge[];
	width: number;
	height: number;
	layers: number;
}

export interface DagSizes {
	nodeWidth: number;
	nodeHeight: number;
	/** Horizontal gap between columns. */
	gapX: number;
	/** Vertical gap between nodes of a column. */
	gapY: number;
}

export const SIZES: DagSizes = { nodeWidth: 184, nodeHeight: 54, gapX: 64, gapY: 16 };

/** A node of the layered graph: a step, or a hidden bend point of a long edge. */
interface Slot {
	key: string;
	layer: number;
	up: string[];
	down: string[];
}

/** Crossings between two adjacent layers, given each node's position. */
function crossingsBetween(upper: string[], lower: string[], slots: Map<string, Slot>): number {
	const pos = new Map(upper.map((k, i) => [k, i]));
	const pairs: [number, number][] = [];
	lower.forEach((k, j) => {
		for (const u of slots.get(k)!.up) {
			const i = pos.get(u);
			if (i !== undefined) pairs.push([i, j]);
		}
	});
	let count = 0;
	for (let a = 0; a < pairs.length; a++) {
		for (let b = a + 1; b < pairs.length; b++) {
			const [i1, j1] = pairs[a]!;
			const [i2, j2] = pairs[b]!;
			if ((i1 - i2) * (j1 - j2) < 0) count++;
		}
	}
	return count;
}

function crossings(order: string[][], slots: Map<string, Slot>): number {
	let total = 0;
	for (let l = 1; l < order.length; l++) total += crossingsBetween(order[l - 1]!, order[l]!, slots);
	return total;
}

function barycentreSort(
	layer: string[],
	neighbours: (key: string) => string[],
	position: Map<string, number>
): string[] {
	const score = new Map<string, number>();
	layer.forEach((key, i) => {
		const ps = neighbours(key)
			.map((n) => position.get(n))
			.filter((p): p is number => p !== undefined);
		// Nodes without neighbours on that side keep their place.
		score.set(key, ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : i);
	});
	// Stable: ties keep the current order.
	return layer
		.map((key, i) => ({ key, i }))
		.sort((a, b) => score.get(a.key)! - score.get(b.key)! || a.i - b.i)
		.map((e) => e.key);
}

const positions = (order: string[][]) =>
	new Map(order.flatMap((layer) => layer.map((k, i) => [k, i] as [string, number])));

/** Order each layer to reduce crossings; `sweeps` down-and-up passes. */
export function orderLayers(initial: string[][], slots: Map<string, Slot>, sweeps = 6): string[][] {
	let order = initial.map((l) => [...l]);
	let best = order;
	let bestCount = crossings(order, slots);
	for (let s = 0; s < sweeps && bestCount > 0; s++) {
		for (let l = 1; l < order.length; l++) {
			order[l] = barycentreSort(order[l]!, (k) => slots.get(k)!.up, positions(order));
		}
		for (let l = order.length - 2; l >= 0; l--) {
			order[l] = barycentreSort(order[l]!, (k) => slots.get(k)!.down, positions(order));
		}
		const count = crossings(order, slots);
		if (count < bestCount) {
			best = order.map((l) => [...l]);
			bestCount = count;
		}
		order = order.map((l) => [...l]);
	}
	return best;
}

/** A smooth curve through the points, leaving and entering each one horizontally. */
export function curve(points: readonly [number, number][]): string {
	if (points.length === 0) return '';
	const [x0, y0] = points[0]!;
	let d = `M${r(x0)},${r(y0)}`;
	for (let i = 1; i < points.length; i++) {
		const [xa, ya] = points[i - 1]!;
		const [xb, yb] = points[i]!;
		const dx = (xb - xa) / 2;
		d += ` C${r(xa + dx)},${r(ya)} ${r(xb - dx)},${r(yb)} ${r(xb)},${r(yb)}`;
	}
	return d;
}

const r = (n: number) => Math.round(n * 10) / 10;

export function layout(input: readonly DagInput[], sizes: DagSizes = SIZES): DagLayout {
	const level = new Map(input.map((n) => [n.id, n.level]));
	const ids = new Set(level.keys());
	const slots = new Map<string, Slot>();
	const add = (key: string, layer: number) => {
		const slot = { key, layer, up: [], down: [] };
		slots.set(key, slot);
		return slot;
	};
	// Steps in a stable initial order: by id within a layer.
	for (const n of [...input].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
		add(n.id, level.get(n.id)!);
	}
	const chains: { source: string; target: string; keys: string[] }[] = [];
	for (const n of input) {
		for (const dep of new Set(n.deps)) {
			if (!ids.has(dep) || dep === n.id) continue;
			const from = level.get(dep)!;
			const to = level.get(n.id)!;
			if (to <= from) continue; // not left to right (a cycle, which Chancy refuses)
			const keys = [dep];
			for (let l = from + 1; l < to; l++) {
				keys.push(add(`\u0000${dep}\u0000${n.id}\u0000${l}`, l).key);
			}
			keys.push(n.id);
			for (let i = 1; i < keys.length; i++) {
				slots.get(keys[i - 1]!)!.down.push(keys[i]!);
				slots.get(keys[i]!)!.up.push(keys[i - 1]!);
			}
			chains.push({ source: dep, target: n.id, keys });
		}
	}

	const depth = slots.size ? Math.max(...[...slots.values()].map((s) => s.layer)) + 1 : 0;
	const initial: string[][] = Array.from({ length: depth }, () => []);
	for (const slot of slots.values()) initial[slot.layer]!.push(slot.key);
	const order = orderLayers(initial, slots);

	const { nodeWidth: W, nodeHeight: H, gapX, gapY } = sizes;
	const rowH = H + gapY;
	const tallest = Math.max(0, ...order.map((l) => l.length));
	const centre = new Map<string, [number, number]>();
	const nodes: DagNode[] = [];
	order.forEach((keys, layer) => {
		const offset = ((tallest - keys.length) * rowH) / 2;
		keys.forEach((key, i) => {
			const x = layer * (W + gapX);
			const y = offset + i * rowH;
			centre.set(key, [x + W / 2, y + H / 2]);
			if (ids.has(key)) nodes.push({ id: key, layer, order: i, x, y });
		});
	});
	const edges: DagEdge[] = chains.map(({ source, target, keys }) => {
		const points = keys.map((key, i): [number, number] => {
			const [cx, cy] = centre.get(key)!;
			if (i === 0) return [cx + W / 2, cy];
			if (i === keys.length - 1) return [cx - W / 2, cy];
			return [cx, cy];
		});
		return { source, target, points, path: curve(points) };
	});
	edges.sort((a, b) => (a.source + '\u0000' + a.target < b.source + '\u0000' + b.target ? -1 : 1));
	return {
		nodes,
		edges,
		width: depth ? depth * W + (depth - 1) * gapX : 0,
		height: tallest ? tallest * rowH - gapY : 0,
		layers: depth
	};
}
