/**
 * Runs a task every `interval` ms while the page is visible. Hidden tabs cost nothing: the timer
 * stops, and when the tab comes back a task that is due runs at once. A task never overlaps
 * itself: the next run is scheduled when the previous one settles.
 */
export interface VisibilitySource {
	readonly visibilityState: DocumentVisibilityState;
	addEventListener(type: 'visibilitychange', listener: () => void): void;
	removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

export class Poller {
	#timer: ReturnType<typeof setTimeout> | null = null;
	#running = false;
	#started = false;
	#lastRun = 0;

	constructor(
		private readonly task: () => unknown,
		private readonly interval: number,
		private readonly doc: VisibilitySource | null = typeof document === 'undefined'
			? null
			: document,
		private readonly clock: () => number = Date.now
	) {}

	get active(): boolean {
		return this.#started && this.#visible();
	}

	/** Start polling; the first run is one interval from now (the page has just loaded). */
	start(): void {
		if (this.#started) return;
		this.#started = true;
		this.#lastRun = this.clock();
		this.doc?.addEventListener('visibilitychange', this.#onVisibility);
		this.#schedule(this.interval);
	}

	stop(): void {
		this.#started = false;
		this.#clear();
		this.doc?.removeEventListener('visibilitychange', this.#onVisibility);
	}

	/** Note that the data was just fetched by other means, so the next poll can wait. */
	touch(): void {
		this.#lastRun = this.clock();
		if (this.#started && this.#visible() && !this.#running) this.#schedule(this.interval);
	}

	#visible(): boolean {
		return !this.doc || this.doc.visibilityState !== 'hidden';
	}

	#clear(): void {
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}

	#schedule(delay: number): void {
		this.#clear();
		if (!this.#started || !this.#visible()) return;
		this.#timer = setTimeout(() => void this.#run(), Math.max(0, delay));
	}

	async #run(): Promise<void> {
		this.#timer = null;
		if (!this.#started || !this.#visible() || this.#running) return;
		this.#running = true;
		this.#lastRun = this.clock();
		try {
			await this.task();
		} catch {
			// The task reports its own errors; polling carries on.
		} finally {
			this.#running = false;
			this.#schedule(this.interval);
		}
	}

	#onVisibility = (): void => {
		if (!this.#visible()) {
			this.#clear();
			return;
		}
		const due = this.#lastRun + this.interval - this.clock();
		this.#schedule(due);
	};
}
