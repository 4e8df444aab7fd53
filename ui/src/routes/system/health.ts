/**
 * How the system page colours what it reports: good, bad, a warning, or not known yet. One
 * map per figure, shared by the health tiles and the cards, so the two always agree.
 */
import type { ListenerStatus, PoolStats } from '$lib/system/api';

export type Tone = 'ok' | 'bad' | 'warn' | 'unknown';

/** The tone classes of app.css (`--c`) for each tone. */
export const TONE_CLASS: Record<Tone, string> = {
	ok: 't-succeeded',
	bad: 't-failed',
	warn: 't-retrying',
	unknown: 't-neutral'
};

/** A stopped listener stays stopped (no live events until the process restarts): bad.
 * Connecting or reconnecting may recover by itself: a warning. */
export const LISTENER_TONE: Record<ListenerStatus['state'], Tone> = {
	connected: 'ok',
	connecting: 'warn',
	reconnecting: 'warn',
	idle: 'unknown',
	stopped: 'bad'
};

/** Unknown until the probe has answered. */
export const readinessTone = (ready: { ready: boolean } | undefined): Tone =>
	ready ? (ready.ready ? 'ok' : 'bad') : 'unknown';

export const schemaTone = (upToDate: boolean): Tone => (upToDate ? 'ok' : 'bad');

/** Requests waiting for a connection mean the pool is too small for the load. */
export const poolTone = (pool: Pick<PoolStats, 'requests_waiting'>): Tone =>
	pool.requests_waiting > 0 ? 'warn' : 'ok';
