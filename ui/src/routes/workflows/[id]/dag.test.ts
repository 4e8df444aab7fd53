import { describe, expect, it } from 'vitest';
import { curve, layout, SIZES, type DagInput, type DagLayout } from './dag';

/** Steps as the server sends them: each one's level (its column), then its dependencies. */
const graph = (steps: Record<string, [number, ...string[]]>): DagInput[] =>
	Object.entries(steps).map(([id, [level, ...deps]]) => ({ id, level, deps }));

/** Crossings of the drawn edges, from their points: two segments between the same columns
 * cross when their ends swap order. */
function crossings(l: DagLayout): number {
	const segments = l.edges.flatMap((e) =>
		e.points.slice(1).map((p, i) => ({ a: e.points[i]!, b: p }))
	);
	let n = 0;
	for (let i = 0; i < segments.length; i++) {
		for (let j = i + 1; j < segments.length; j++) {
			const s = segments[i]!;
			const t = segments[j]!;
			if (Math.round(s.a[0]) !== Math.round(t.a[0])) continue;
			if ((s.a[1] - t.a[1]) * (s.b[1] - t.b[1]) < 0) n++;
		}
	}
	return n;
}

const byId = (l: DagLayout) => Object.fromEntries(l.nodes.map((n) => [n.id, n]));

describe('workflow graph layout', () => {
	it("puts each step in the column of the server's level for it", () => {
		const l = layout(
			graph({
				fetch: [0],
				resize: [1, 'fetch'],
				tag: [1, 'fetch'],
				publish: [2, 'resize', 'tag', 'fetch']
			})
		);
		const col = SIZES.nodeWidth + SIZES.gapX;
		expect(Object.fromEntries(l.nodes.map((n) => [n.id, [n.layer, n.x]]))).toEqual({
			fetch: [0, 0],
			resize: [1, col],
			tag: [1, col],
			publish: [2, 2 * col]
		});
		expect(l.layers).toBe(3);
	});

	it('ignores unknown dependencies, and edges that do not go left to right', () => {
		const lone = layout(graph({ a: [0, 'ghost'] }));
		expect(lone.nodes.map((n) => n.id)).toEqual(['a']);
		expect(lone.edges).toEqual([]);
		// A cycle (which Chancy refuses) as the server would level it: the back edge is dropped.
		const cyclic = layout(graph({ a: [1, 'b'], b: [0, 'a'] }));
		expect(cyclic.edges.map((e) => `${e.source}>${e.target}`)).toEqual(['b>a']);
	});

	it('lays out a diamond left to right, centred, with one edge per dependency', () => {
		const l = layout(
			graph({ fetch: [0], resize: [1, 'fetch'], tag: [1, 'fetch'], publish: [2, 'resize', 'tag'] })
		);
		const n = byId(l);
		const col = SIZES.nodeWidth + SIZES.gapX;
		expect([n.fetch!.x, n.resize!.x, n.tag!.x, n.publish!.x]).toEqual([0, col, col, 2 * col]);
		// The single nodes sit between the two of the middle column.
		expect(n.fetch!.y).toBe((n.resize!.y + n.tag!.y) / 2);
		expect(n.publish!.y).toBe(n.fetch!.y);
		expect(l.edges.map((e) => `${e.source}>${e.target}`)).toEqual([
			'fetch>resize',
			'fetch>tag',
			'resize>publish',
			'tag>publish'
		]);
		expect(l.width).toBe(3 * SIZES.nodeWidth + 2 * SIZES.gapX);
		expect(l.height).toBe(2 * SIZES.nodeHeight + SIZES.gapY);
		expect(l.layers).toBe(3);
	});

	it('orders columns to avoid crossings', () => {
		// Sorted by id, a2 would sit above b2 while their parents are b1 above... crossed.
		const l = layout(graph({ a1: [0], b1: [0], x: [1, 'b1'], y: [1, 'a1'] }));
		expect(crossings(l)).toBe(0);
		const n = byId(l);
		expect(n.y!.y).toBeLessThan(n.x!.y);
	});

	it('bends a long edge through a hidden node in each column it crosses', () => {
		const l = layout(graph({ a: [0], b: [1, 'a'], c: [2, 'b'], d: [3, 'a', 'c'] }));
		const long = l.edges.find((e) => e.source === 'a' && e.target === 'd')!;
		expect(long.points).toHaveLength(4); // a, two hidden nodes, d
		expect(l.nodes.map((n) => n.id).sort()).toEqual(['a', 'b', 'c', 'd']);
		// The hidden nodes take a row of their own: the chain a-b-c does not overlap them.
		const n = byId(l);
		expect(long.points[1]![1]).not.toBe(n.b!.y + SIZES.nodeHeight / 2);
	});

	it('starts edges on the right of the source and ends them on the left of the target', () => {
		const l = layout(graph({ a: [0], b: [1, 'a'] }));
		const [edge] = l.edges;
		expect(edge!.points).toEqual([
			[SIZES.nodeWidth, SIZES.nodeHeight / 2],
			[SIZES.nodeWidth + SIZES.gapX, SIZES.nodeHeight / 2]
		]);
		expect(edge!.path.startsWith(`M${SIZES.nodeWidth},`)).toBe(true);
	});

	it('is empty for no steps', () => {
		expect(layout([])).toEqual({ nodes: [], edges: [], width: 0, height: 0, layers: 0 });
	});

	it('keeps a wide workflow free of crossings where possible', () => {
		const steps: Record<string, [number, ...string[]]> = { start: [0] };
		for (let i = 0; i < 8; i++) {
			steps[`m${i}`] = [1, 'start'];
			steps[`n${i}`] = [2, `m${7 - i}`];
		}
		steps['end'] = [3, ...Array.from({ length: 8 }, (_, i) => `n${i}`)];
		expect(crossings(layout(graph(steps)))).toBe(0);
	});
});

describe('edge curves', () => {
	it('leaves and enters each point horizontally', () => {
		expect(
			curve([
				[0, 0],
				[100, 50]
			])
		).toBe('M0,0 C50,0 50,50 100,50');
		expect(curve([])).toBe('');
	});
});
