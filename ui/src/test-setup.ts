import { cleanup } from '@testing-library/svelte';
import { afterEach } from 'vitest';

// Tests format times in a fixed zone so expectations are stable.
process.env.TZ = 'UTC';
afterEach(() => cleanup());
