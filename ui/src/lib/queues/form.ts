/**
 * The queue settings form: the queue's values as the text the inputs hold, checked, and turned
 * back into the API's body. An update sends only what changed (the PATCH keeps the rest).
 */
import type { Schemas } from '$lib/api/client';
import type { QueueInfo } from '$lib/api/types';

export type QueueCreate = Schemas['QueueCreate'];
export type QueueUpdate = Schemas['QueueUpdate'];
export type Executor = QueueCreate['executor'];

/** The executors the API accepts (a Record, so a new one in the schema must be named here). */
export const EXECUTORS: Record<Executor, string> = {
	'chancy.executors.process.ProcessExecutor': 'Processes (ProcessExecutor)',
	'chancy.executors.thread.ThreadedExecutor': 'Threads (ThreadedExecutor)',
	'chancy.executors.asyncex.AsyncExecutor': 'asyncio (AsyncExecutor)'
};
export const DEFAULT_EXECUTOR: Executor = 'chancy.executors.process.ProcessExecutor';

export interface QueueForm {
	name: string;
	concurrency: string;
	rate_limit: string;
	rate_limit_window: string;
	polling_interval: string;
	/** Worker-tag regexes, one per line or comma separated. */
	tags: string;
	executor: string;
}

export type FormErrors = Partial<Record<keyof QueueForm, string>>;

const MAX_INT = 2_147_483_647;

export function emptyForm(): QueueForm {
	return {
		name: '',
		concurrency: '',
		rate_limit: '',
		rate_limit_window: '',
		polling_interval: '5',
		tags: '.*',
		executor: DEFAULT_EXECUTOR
	};
}

export function formFromQueue(q: QueueInfo): QueueForm {
	const text = (n: number | null) => (n === null ? '' : String(n));
	return {
		name: q.name,
		concurrency: text(q.concurrency),
		rate_limit: text(q.rate_limit),
		rate_limit_window: text(q.rate_limit_window),
		polling_interval: String(q.polling_interval),
		tags: q.tags.join('\n'),
		executor: q.executor
	};
}

export function parseTags(text: string): string[] {
	return [
		...new Set(
			text
				.split(/[\n,]/)
				.map((t) => t.trim())
				.filter(Boolean)
		)
	];
}

/** A positive whole number, null for an empty field, or an error message. */
function positive(text: string): number | null | string {
	const value = text.trim();
	if (!value) return null;
	if (!/^\d+$/.test(value)) return 'A whole number, 1 or more';
	const n = Number(value);
	if (n < 1 || n > MAX_INT) return `Between 1 and ${MAX_INT}`;
	return n;
}

export interface Parsed {
	name: string;
	concurrency: number | null;
	rate_limit: number | null;
	rate_limit_window: number | null;
	polling_interval: number;
	tags: string[];
	executor: string;
}

export function parseForm(form: QueueForm): { value: Parsed | null; errors: FormErrors } {
	const errors: FormErrors = {};
	const numbers = {} as Record<'concurrency' | 'rate_limit' | 'rate_limit_window', number | null>;
	for (const key of ['concurrency', 'rate_limit', 'rate_limit_window'] as const) {
		const n = positive(form[key]);
		if (typeof n === 'string') errors[key] = n;
		else numbers[key] = n;
	}
	const polling = positive(form.polling_interval);
	if (polling === null) errors.polling_interval = 'Required';
	else if (typeof polling === 'string') errors.polling_interval = polling;
	if (!errors.rate_limit && !errors.rate_limit_window) {
		if (numbers.rate_limit !== null && numbers.rate_limit_window === null)
			errors.rate_limit_window = 'Give the window the limit applies to';
		if (numbers.rate_limit === null && numbers.rate_limit_window !== null)
			errors.rate_limit = 'Give a limit, or clear the window';
	}
	const name = form.name.trim();
	if (!name) errors.name = 'Required';
	else if (/[/\s]/.test(name)) errors.name = 'No spaces or slashes';
	else if (name.length > 200) errors.name = 'At most 200 characters';
	if (Object.keys(errors).length) return { value: null, errors };
	return {
		value: {
			name,
			...numbers,
			polling_interval: polling as number,
			tags: parseTags(form.tags),
			executor: form.executor
		},
		errors
	};
}

/** The PATCH body: the fields that differ from the queue (the executor only if allowed). */
export function queueChanges(q: QueueInfo, value: Parsed, canChangeExecutor: boolean): QueueUpdate {
	const body: QueueUpdate = {};
	if (value.concurrency !== q.concurrency) body.concurrency = value.concurrency;
	if (value.rate_limit !== q.rate_limit) body.rate_limit = value.rate_limit;
	if (value.rate_limit_window !== q.rate_limit_window)
		body.rate_limit_window = value.rate_limit_window;
	if (value.polling_interval !== q.polling_interval) body.polling_interval = value.polling_interval;
	const sameTags =
		value.tags.length === q.tags.length && value.tags.every((t) => q.tags.includes(t));
	if (!sameTags) body.tags = value.tags;
	if (canChangeExecutor && value.executor !== q.executor && value.executor in EXECUTORS)
		body.executor = value.executor as Executor;
	return body;
}

export function createBody(value: Parsed): QueueCreate {
	const body: QueueCreate = {
		name: value.name,
		executor: (value.executor in EXECUTORS ? value.executor : DEFAULT_EXECUTOR) as Executor,
		tags: value.tags,
		polling_interval: value.polling_interval,
		state: 'active',
		eager_polling: false,
		executor_options: {}
	};
	if (value.concurrency !== null) body.concurrency = value.concurrency;
	if (value.rate_limit !== null) body.rate_limit = value.rate_limit;
	if (value.rate_limit_window !== null) body.rate_limit_window = value.rate_limit_window;
	return body;
}

/** "concurrency, tags": what a PATCH body changes, for the result message. */
export function describeChanges(body: QueueUpdate): string {
	return Object.keys(body)
		.map((k) => k.replaceAll('_', ' '))
		.join(', ');
}

/**
 * A datetime-local input's value (local time, no zone) as an ISO time with zone, or an error.
 * Empty: null (pause until resumed by hand).
 */
export function resumeAt(
	local: string,
	now = Date.now()
): { value: string | null; error?: string } {
	if (!local.trim()) return { value: null };
	const at = new Date(local);
	if (Number.isNaN(at.getTime())) return { value: null, error: 'Not a valid time' };
	if (at.getTime() <= now) return { value: null, error: 'Pick a time in the future' };
	return { value: at.toISOString() };
}

export type PausePreset = '15m' | '1h' | 'tomorrow';

export const PAUSE_PRESETS: { preset: PausePreset; label: string }[] = [
	{ preset: '15m', label: '15 min' },
	{ preset: '1h', label: '1 hour' },
	{ preset: 'tomorrow', label: 'Tomorrow 09:00' }
];

/** A preset as the value of a `datetime-local` input (local time, to the minute). */
export function presetUntil(preset: PausePreset, now = Date.now()): string {
	let at: Date;
	if (preset === 'tomorrow') {
		at = new Date(now);
		at.setDate(at.getDate() + 1);
		at.setHours(9, 0, 0, 0);
	} else {
		// Rounded up to the next minute: the input holds minutes.
		const ms = now + (preset === '15m' ? 15 : 60) * 60_000;
		at = new Date(Math.ceil(ms / 60_000) * 60_000);
	}
	const pad = (n: number) => String(n).padStart(2, '0');
	return (
		`${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}` +
		`T${pad(at.getHours())}:${pad(at.getMinutes())}`
	);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A resume time in words, local: "today 14:05", "tomorrow 09:00", "Thu Dec 3 09:00". */
export function untilText(value: string, now = Date.now()): string {
	const at = new Date(value);
	if (Number.isNaN(at.getTime())) return value;
	const pad = (n: number) => String(n).padStart(2, '0');
	const hm = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
	const today = new Date(now);
	const tomorrow = new Date(now);
	tomorrow.setDate(tomorrow.getDate() + 1);
	if (at.toDateString() === today.toDateString()) return `today ${hm}`;
	if (at.toDateString() === tomorrow.toDateString()) return `tomorrow ${hm}`;
	const year = at.getFullYear() === today.getFullYear() ? '' : ` ${at.getFullYear()}`;
	return `${DAYS[at.getDay()]} ${MONTHS[at.getMonth()]} ${at.getDate()}${year} ${hm}`;
}
