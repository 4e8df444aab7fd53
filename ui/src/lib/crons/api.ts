import { api, unwrap } from '$lib/api';
import type { Schemas } from '$lib/api/client';

export type CronSchedule = Schemas['CronSchedule'];
export type CronJob = Schemas['CronJob'];
export type JobTemplate = Schemas['JobTemplate'];
export type CronRunResult = Schemas['CronRunResult'];

/** What a "run now" or "delete" ended with, for the page to say. */
export type CronActionResult =
	| { kind: 'run'; key: string; jobId: string }
	| { kind: 'deleted'; key: string }
	| { kind: 'error'; key: string; message: string; jobId?: string };

/** Every schedule, with its next `upcoming` run times (at most 50). */
export async function listCrons(upcoming: number, signal?: AbortSignal): Promise<CronSchedule[]> {
	return unwrap(await api.GET('/api/v1/crons', { params: { query: { next: upcoming } }, signal }));
}

export async function getCron(
	key: string,
	upcoming: number,
	signal?: AbortSignal
): Promise<CronSchedule> {
	return unwrap(
		await api.GET('/api/v1/crons/{unique_key}', {
			params: { path: { unique_key: key }, query: { next: upcoming } },
			signal
		})
	);
}

/** Push the schedule's job now (operator); an `ApiError` 409 while one waits or runs. */
export async function runCron(key: string): Promise<CronRunResult> {
	return unwrap(
		await api.POST('/api/v1/crons/{unique_key}/run', { params: { path: { unique_key: key } } })
	);
}

/** Unschedule (admin); the jobs it produced are kept. */
export async function deleteCron(key: string): Promise<void> {
	unwrap(await api.DELETE('/api/v1/crons/{unique_key}', { params: { path: { unique_key: key } } }));
}
