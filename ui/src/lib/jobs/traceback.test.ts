import { describe, expect, it } from 'vitest';
import { isLibraryFile, lastLine, parseTraceback } from './traceback';

const TRACEBACK = `Traceback (most recent call last):
  File "/srv/venv/lib/python3.11/site-packages/chancy/executors/asyncex.py", line 95, in _job_wrapper
    result = await func(**kwargs)
             ^^^^^^^^^^^^^^^^^^^^
  File "/srv/venv/lib/python3.11/site-packages/chancy/utils.py", line 12, in wrapped
    return await f()
  File "/srv/app/tasks.py", line 11, in send_email
    raise ValueError(message)
ValueError: kaput
`;

describe('parseTraceback', () => {
	it('groups library frames apart from the user code and keeps the exception', () => {
		const blocks = parseTraceback(TRACEBACK);
		expect(blocks.map((b) => b.kind)).toEqual(['text', 'frames', 'frames', 'exception']);
		const [, lib, own, exc] = blocks;
		expect(lib).toMatchObject({ kind: 'frames', library: true });
		expect(lib?.kind === 'frames' && lib.frames.map((f) => f.func)).toEqual([
			'_job_wrapper',
			'wrapped'
		]);
		expect(lib?.kind === 'frames' && lib.frames[0]?.lines).toHaveLength(3);
		expect(own).toMatchObject({ kind: 'frames', library: false });
		expect(own?.kind === 'frames' && own.frames[0]).toMatchObject({
			file: '/srv/app/tasks.py',
			line: 11,
			func: 'send_email'
		});
		expect(exc).toEqual({ kind: 'exception', lines: ['ValueError: kaput'] });
	});

	it('keeps every line of chained exceptions', () => {
		const chained = `${TRACEBACK}
During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "<frozen runpy>", line 1, in run
RuntimeError: wrapped`;
		const text = parseTraceback(chained)
			.flatMap((b) => (b.kind === 'frames' ? b.frames.flatMap((f) => f.lines) : b.lines))
			.join('\n');
		expect(text).toBe(chained);
	});

	it('keeps text it does not understand', () => {
		expect(parseTraceback('something odd')).toEqual([{ kind: 'text', lines: ['something odd'] }]);
		expect(lastLine(TRACEBACK)).toBe('ValueError: kaput');
	});
});

describe('library frames', () => {
	it('does not fold the job’s own package, even installed in site-packages', () => {
		const demo = '/venv/lib/python3.11/site-packages/chancy_web/demo/jobs.py';
		const helper = '/venv/lib/python3.11/site-packages/chancy_web/demo/helpers/db.py';
		const func = 'chancy_web.demo.jobs.charge_card';
		expect(isLibraryFile(demo, func)).toBe(false);
		expect(isLibraryFile(helper, func)).toBe(false);
		expect(isLibraryFile('/venv/lib/python3.11/site-packages/chancy/worker.py', func)).toBe(true);
		expect(isLibraryFile('/usr/lib/python3.11/asyncio/tasks.py', func)).toBe(true);
		expect(isLibraryFile(demo)).toBe(true);
		expect(isLibraryFile('/venv/lib/python3.11/site-packages/chancy/x.py', 'chancy.jobs.f')).toBe(
			true
		);
	});
});
