/**
 * Turns a burst of triggers (events arriving from the stream) into few runs of a refresh:
 * the first trigger runs it at once, triggers within `gap` ms of the last run fold into one
 * trailing run, and a run never overlaps the previous one (triggers during a run ask for one
 * more run after it, still `gap` ms after the previous start).
 */
export class Throttle {
	#timer: ReturnType<typeof setTimeout> | null = null;
	#running = false;
	#pending = false;
	#lastRun = -Infinity;
	#stopped = false;

	constructor(
		private readonly task: () => unknown,
		private readonly gap = 500,
		private readonly clock: () => number = Date.now
	) {}

	/** Ask for a run: now if the last one was long enough ago, otherwise once it is due. */
	trigger(): void {
		if (this.#stopped) return;
		this.#pending = true;
		if (this.#running || this.#timer !== null) return;
		this.#schedule();
	}

	/** Forget pending runs; later triggers are ignored. */
	stop(): void {
		this.#stopped = true;
		this.#pending = false;
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}

	#schedule(): void {
		const wait = this.#lastRun + this.gap - this.clock();
		if (wait <= 0) void this.#run();
		else this.#timer = setTimeout(() => void this.#run(), wait);
	}

	async #run(): Promise<void> {
		this.#timer = null;
		if (this.#stopped || !this.#pending) return;
		this.#pending = false;
		this.#running = true;
		this.#lastRun = this.clock();
		try {
			await this.task();
		} catch {
			// The task reports its own errors (a Resource keeps them); the next trigger retries.
		} finally {
			this.#running = false;
			if (this.#pending && !this.#stopped) this.#schedule();
		}
	}
}
