import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// `npm run dev` proxies the API to a running chancy-web (default http://127.0.0.1:8000,
// e.g. `chancy-web demo --port 8000`); set CHANCY_WEB_API to point elsewhere.
const api = process.env.CHANCY_WEB_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
	plugins: [sveltekit()],
	server: {
		proxy: {
			'/api': { target: api, changeOrigin: false },
			'/health': { target: api }
		}
	},
	build: {
		target: 'es2022',
		reportCompressedSize: false,
		rolldownOptions: {
			output: {
				// Fewer, larger files: the framework in one chunk and the app's shared code in
				// another, so a cold load needs a handful of requests instead of dozens. Pages
				// (and any heavy library only a page imports) stay in their own chunks.
				codeSplitting: {
					groups: [
						{
							name: 'framework',
							test: /node_modules[\\/](svelte|@sveltejs|esm-env|devalue|clsx|openapi-fetch)[\\/]/
						},
						// The time axis of the charts (crons, workflow, metrics pages) and its calendar
						// library: shared by those pages only, so not in the 'app' chunk every page loads.
						{
							name: 'charts',
							test: /node_modules[\\/]d3-time[\\/]|src[\\/]lib[\\/]metrics[\\/]ticks\.ts$/,
							minShareCount: 2,
							priority: 1
						},
						// Only the code two or more pages share: a module one page alone uses (a form,
						// a chart) stays in that page's chunk, off the first load of the others.
						{ name: 'app', test: /src[\\/]lib[\\/]/, minShareCount: 2 }
					]
				}
			}
		}
	},
	test: {
		environment: 'jsdom',
		include: ['src/**/*.test.ts'],
		setupFiles: ['src/test-setup.ts']
	},
	resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined
});
