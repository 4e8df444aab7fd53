/**
 * One shared "now" for every relative time and running duration on screen, ticking once a
 * second while the tab is visible (a single timer, whatever the number of rows).
 */
class Clock {
	now = $state(Date.now());
	#timer: ReturnType<typeof setInterval> | null = null;
	#users = 0;

	/** Start ticking for one user; call the returned function to release it. */
	use(): () => void {
		this.#users++;
		if (this.#users === 1) this.#start();
		return () => {
			this.#users--;
			if (this.#users === 0) this.#stop();
		};
	}

	#tick = () => {
		this.now = Date.now();
	};

	#onVisibility = () => {
		if (document.visibilityState === 'hidden') {
			if (this.#timer !== null) clearInterval(this.#timer);
			this.#timer = null;
		} else if (this.#timer === null) {
			this.#tick();
			this.#timer = setInterval(this.#tick, 1000);
		}
	};

	#start() {
		this.#tick();
		this.#timer = setInterval(this.#tick, 1000);
		document.addEventListener('visibilitychange', this.#onVisibility);
	}

	#stop() {
		if (this.#timer !== null) clearInterval(this.#timer);
		this.#timer = null;
		document.removeEventListener('visibilitychange', this.#onVisibility);
	}
}

export const clock = new Clock();
