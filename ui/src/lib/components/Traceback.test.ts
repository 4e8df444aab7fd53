import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Traceback from './Traceback.svelte';

const TEXT = `Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/chancy/executors/asyncex.py", line 95, in _job_wrapper
    result = await func(**kwargs)
  File "/venv/lib/python3.11/site-packages/chancy/utils.py", line 12, in wrapped
    return await f()
  File "/srv/app/tasks.py", line 11, in send_email
    raise ValueError(message)
ValueError: kaput`;

describe('Traceback', () => {
	it('shows all the text, folds library frames and stresses the exception', () => {
		const { container } = render(Traceback, { text: TEXT, title: 'Attempt 1' });
		expect(screen.getByRole('region', { name: 'Attempt 1' })).toBeTruthy();
		expect(
			container.querySelector('pre')?.textContent?.replace(/2 library frames.*\n?/, '')
		).toContain('raise ValueError(message)');
		const folded = container.querySelector('details');
		expect(folded?.open).toBe(false);
		expect(folded?.querySelector('summary')?.textContent).toContain('2 library frames');
		expect(container.querySelector('strong.exception')?.textContent?.trim()).toBe(
			'ValueError: kaput'
		);
		expect(screen.getByRole('button', { name: 'Copy traceback' })).toBeTruthy();
	});
});
