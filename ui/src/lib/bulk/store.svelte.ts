/**
 * The bulk operations this tab follows: the ones it started, and any unfinished one it finds
 * when it loads. One store for the whole dashboard, so the progress panel survives moving
 * between pages; `BulkProgress` keeps it fresh (events, with polling while the stream is down).
 */
import { getBulk, listBulk, type BulkOperation } from './api';
import { isFinished } from './query';

type Progress = Pick<
	BulkOperation,
	'id' | 'state' | 'matched' | 'processed' | 'succeeded' | 'skipped' | 'failed'
>;

export class BulkTracker {
	/** Followed operations, newest first; finished ones stay until dismissed. */
	items = $state<BulkOperation[]>([]);
	#loaded = false;

	get active(): BulkOperation[] {
		return this.items.filter((op) => !isFinished(op));
	}

	/** Follow `op` (or update it, if followed already). */
	track(op: BulkOperation): void {
		const others = this.items.filter((o) => o.id !== op.id);
		const index = this.items.findIndex((o) => o.id === op.id);
		this.items = index < 0 ? [op, ...others] : this.items.map((o) => (o.id === op.id ? op : o));
	}

	/** A `bulk.progress` or `bulk.done` event's counts, for an operation followed here. */
	apply(data: unknown): void {
		const event = data as Partial<Progress> | null;
		if (!event || typeof event.id !== 'string') return;
		const current = this.items.find((o) => o.id === event.id);
		if (!current || isFinished(current)) return; // a late event must not undo the end
		const { id, state, matched, processed, succeeded, skipped, failed } = event;
		const numbers = { matched, processed, succeeded, skipped, failed };
		const fresh = Object.fromEntries(
			Object.entries(numbers).filter(([, v]) => typeof v === 'number')
		);
		this.track({
			...current,
			...fresh,
			id: id as string,
			state: typeof state === 'string' ? state : current.state
		});
	}

	dismiss(id: string): void {
		this.items = this.items.filter((o) => o.id !== id);
	}

	/** Read the unfinished operations again (and, once, find those started elsewhere). */
	async refresh(): Promise<void> {
		if (!this.#loaded) {
			this.#loaded = true;
			for (const op of (await listBulk()).filter((o) => !isFinished(o)).reverse()) this.track(op);
			return;
		}
		await Promise.all(this.active.map(async (op) => this.track(await getBulk(op.id))));
	}
}

export const bulk = new BulkTracker();
