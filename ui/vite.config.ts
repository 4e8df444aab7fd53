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
	build: { target: 'es2022', reportCompressedSize: false },
	test: {
		environment: 'jsdom',
		include: ['src/**/*.test.ts'],
		setupFiles: ['src/test-setup.ts']
	},
	resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined
});
