/**
 * Result messages ("Job queued to run again", "Queue deleted and 12 jobs purged"), shown by
 * the one <Toaster> in the shell. Successes fade after a few seconds; errors stay longer.
 */
export type ToastTone = 'success' | 'error' | 'info';

export interface Toast {
	id: number;
	tone: ToastTone;
	title: string;
	/** Extra lines, e.g. the reasons items of a batch were skipped. */
	details: string[];
}

const LIFETIME_MS: Record<ToastTone, number> = { success: 6000, info: 6000, error: 12_000 };
const MAX_SHOWN = 4;

class Toasts {
	items = $state<Toast[]>([]);
	#next = 1;
	#timers = new Map<number, ReturnType<typeof setTimeout>>();

	show(tone: ToastTone, title: string, details: string[] = []): number {
		const id = this.#next++;
		this.items = [...this.items, { id, tone, title, details }].slice(-MAX_SHOWN);
		this.#timers.set(
			id,
			setTimeout(() => this.dismiss(id), LIFETIME_MS[tone] + details.length * 1500)
		);
		return id;
	}

	success(title: string, details: string[] = []): number {
		return this.show('success', title, details);
	}

	error(title: string, details: string[] = []): number {
		return this.show('error', title, details);
	}

	dismiss(id: number): void {
		clearTimeout(this.#timers.get(id));
		this.#timers.delete(id);
		this.items = this.items.filter((t) => t.id !== id);
	}
}

export const toasts = new Toasts();
