import { describe, expect, it } from 'vitest';
import type { QueueInfo } from '$lib/api/types';
import {
	createBody,
	presetUntil,
	untilText,
	describeChanges,
	emptyForm,
	formFromQueue,
	parseForm,
	parseTags,
	queueChanges,
	resumeAt
} from './form';

const queue = (over: Partial<QueueInfo> = {}): QueueInfo => ({
	name: 'emails',
	concurrency: 4,
	tags: ['.*'],
	state: 'active',
	executor: 'chancy.executors.process.ProcessExecutor',
	executor_options: {},
	polling_interval: 5,
	rate_limit: null,
	rate_limit_window: null,
	resume_at: null,
	eager_polling: false,
	created_at: '2025-11-27T13:00:00Z',
	...over
});

describe('queue form', () => {
	it('round-trips a queue unchanged to an empty PATCH', () => {
		const q = queue({ tags: ['role=a', 'gpu'], rate_limit: 10, rate_limit_window: 60 });
		const { value } = parseForm(formFromQueue(q));
		expect(value).not.toBeNull();
		expect(queueChanges(q, value!, true)).toEqual({});
	});

	it('sends only what changed; an empty concurrency means the executor default', () => {
		const q = queue();
		const form = { ...formFromQueue(q), concurrency: '', tags: 'a, b\nb', polling_interval: '2' };
		const body = queueChanges(q, parseForm(form).value!, true);
		expect(body).toEqual({ concurrency: null, tags: ['a', 'b'], polling_interval: 2 });
		expect(describeChanges(body)).toBe('concurrency, polling interval, tags');
	});

	it('changes the executor only for those allowed to', () => {
		const q = queue();
		const form = { ...formFromQueue(q), executor: 'chancy.executors.asyncex.AsyncExecutor' };
		expect(queueChanges(q, parseForm(form).value!, false)).toEqual({});
		expect(queueChanges(q, parseForm(form).value!, true)).toEqual({
			executor: 'chancy.executors.asyncex.AsyncExecutor'
		});
	});

	it('explains what is wrong with a field', () => {
		const { value, errors } = parseForm({
			...emptyForm(),
			name: 'bad name',
			concurrency: '0',
			rate_limit: '5',
			polling_interval: '1.5'
		});
		expect(value).toBeNull();
		expect(errors).toEqual({
			name: 'No spaces or slashes',
			concurrency: 'Between 1 and 2147483647',
			rate_limit_window: 'Give the window the limit applies to',
			polling_interval: 'A whole number, 1 or more'
		});
		expect(parseForm({ ...emptyForm(), name: 'q', rate_limit_window: '60' }).errors).toEqual({
			rate_limit: 'Give a limit, or clear the window'
		});
	});

	it('builds a create body with what was given', () => {
		const { value } = parseForm({ ...emptyForm(), name: 'reports', concurrency: '2' });
		expect(createBody(value!)).toEqual({
			name: 'reports',
			executor: 'chancy.executors.process.ProcessExecutor',
			tags: ['.*'],
			polling_interval: 5,
			concurrency: 2,
			state: 'active',
			eager_polling: false,
			executor_options: {}
		});
	});

	it('reads tags from lines and commas', () => {
		expect(parseTags(' a ,b\n\nc,a ')).toEqual(['a', 'b', 'c']);
		expect(parseTags('')).toEqual([]);
	});

	it('reads a pause-until time in local time', () => {
		const now = Date.parse('2025-11-27T14:00:00Z');
		expect(resumeAt('', now)).toEqual({ value: null });
		expect(resumeAt('2025-11-27T15:30', now)).toEqual({ value: '2025-11-27T15:30:00.000Z' });
		expect(resumeAt('2025-11-27T13:30', now).error).toBe('Pick a time in the future');
		expect(resumeAt('nonsense', now).error).toBe('Not a valid time');
	});
});

describe('pause presets', () => {
	// Local time: the presets and the words are in the user's own zone.
	const now = new Date(2026, 11, 1, 19, 7, 30).getTime();

	it('offers 15 min, 1 hour and tomorrow at 09:00', () => {
		expect(presetUntil('15m', now)).toBe('2026-12-01T19:23');
		expect(presetUntil('1h', now)).toBe('2026-12-01T20:08');
		expect(presetUntil('tomorrow', now)).toBe('2026-12-02T09:00');
	});

	it('says when a queue resumes in words', () => {
		expect(untilText(new Date(2026, 11, 1, 19, 22).toISOString(), now)).toBe('today 19:22');
		expect(untilText(new Date(2026, 11, 2, 9, 0).toISOString(), now)).toBe('tomorrow 09:00');
		expect(untilText(new Date(2026, 11, 4, 9, 0).toISOString(), now)).toBe('Fri Dec 4 09:00');
	});
});
