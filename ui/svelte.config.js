import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';

/**
 * The build uses a placeholder base path. The server (chancy_web/spa/serve.py) rewrites it in
 * index.html to the real mount point, so one bundle works at `/` or under any prefix.
 * Everything else the client loads is addressed relatively, so only index.html changes.
 */
export const BASE_PLACEHOLDER = '/__CHANCY_WEB_BASE__';
const building = process.argv.includes('build');
// The package version names the build, so that the same sources give the same files.
const about = readFileSync(new URL('../chancy_web/__about__.py', import.meta.url), 'utf8');
const version = /__version__\s*=\s*["']([^"']+)["']/.exec(about)?.[1] ?? 'dev';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({
			pages: '../chancy_web/static',
			assets: '../chancy_web/static',
			fallback: 'index.html',
			precompress: true,
			strict: true
		}),
		paths: { base: building ? BASE_PLACEHOLDER : '' },
		output: { bundleStrategy: 'split' },
		version: { name: version, pollInterval: 0 }
	}
};

export default config;
