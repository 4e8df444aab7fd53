/**
 * A job's attempts as people count them. Chancy counts an attempt when it ends, so a running
 * job's `attempts` leaves out the one under way: every page adds it here, so that a job on its
 * first run reads "Attempt 1 of 1" on its page and "1/1" in a list, never "0 of 1".
 */

interface Attempts {
	state: string;
	attempts: number;
}

/** The attempts made so far, the one under way included. */
export function attemptsMade(job: Attempts): number {
	return job.state === 'running' ? job.attempts + 1 : job.attempts;
}

/** The job page's words: "Attempt 1 of 3" while it runs, "2 of 3" once two have ended. */
export function attemptsText(job: Attempts & { max_attempts: number }): string {
	return job.state === 'running'
		? `Attempt ${attemptsMade(job)} of ${job.max_attempts}`
		: `${attemptsMade(job)} of ${job.max_attempts}`;
}
