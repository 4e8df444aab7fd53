// After `vite build`: replace SvelteKit's inline bootstrap script in index.html by a file, so
// the dashboard runs under a Content-Security-Policy without 'unsafe-inline' scripts.
//
// `_app/immutable/boot.<hash>.js` is loaded async from the top of <head>. It
// 1. derives the base path from its own URL rather than naming it: the server only rewrites the
//    base-path placeholder in index.html, so the file stays immutable and cacheable;
// 2. starts the page's first API requests (src/lib/boot.ts: the starting side of early.ts,
//    with the requests declared in src/lib/requests.ts), so they run while the app's code
//    downloads, or takes their answers from the page when the server sent them there; the
//    app's client takes the responses later;
// 3. runs SvelteKit's bootstrap, mounting the app in #app once the body is parsed (and, when
//    the server sends the page's data at its end, once that is in too).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';
import { BASE_PLACEHOLDER } from '../svelte.config.js';

const out = new URL('../../chancy_web/static/', import.meta.url).pathname;
const indexPath = join(out, 'index.html');
let html = readFileSync(indexPath, 'utf8');

const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
if (inline.length !== 1) {
	throw new Error(`expected one inline bootstrap script in index.html, found ${inline.length}`);
}
const [tag, body] = /** @type {[string, string]} */ ([inline[0][0], inline[0][1]]);
const PARENT = 'document.currentScript.parentElement';
if (!body.includes(PARENT)) {
	throw new Error('the bootstrap script changed shape: review scripts/postbuild.js');
}

const bundled = await build({
	configFile: false,
	logLevel: 'warn',
	build: {
		write: false,
		target: 'es2020',
		lib: {
			entry: fileURLToPath(new URL('../src/lib/boot.ts', import.meta.url)),
			formats: ['iife'],
			name: '__chancyEarly'
		}
	}
});
const early = (Array.isArray(bundled) ? bundled[0] : bundled).output[0].code;

const kit = body
	.split(`"${BASE_PLACEHOLDER}`)
	.join('__chancy_base + "')
	.replace(PARENT, "document.getElementById('app')")
	.trim();
const boot = `${early.trim()}
{
const __chancy_base = new URL(document.currentScript.src).pathname.replace(/\\/_app\\/immutable\\/[^/]*$/, '');
__chancyEarly.startPage(__chancy_base, new URL(location.href), () => ${kit});
}
`;
if (boot.includes(BASE_PLACEHOLDER)) throw new Error('base placeholder left in the bootstrap');
const hash = createHash('sha256').update(boot).digest('base64url').slice(0, 10);
const bootName = `_app/immutable/boot.${hash}.js`;
writeFileSync(join(out, bootName), boot);
compress(join(out, bootName));

html = html.replace(tag, '');
html = html.replace(
	/(\n\s*)<link /,
	`$1<script async src="${BASE_PLACEHOLDER}/${bootName}"></script>$1<link `
);
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html) || /\son[a-z]+=/i.test(html)) {
	throw new Error('index.html still has inline script');
}
writeFileSync(indexPath, html);
compress(indexPath);

// Precompress what changed (adapter-static compressed the rest), and anything it skipped.
function compress(file) {
	const data = readFileSync(file);
	writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
	writeFileSync(
		`${file}.br`,
		brotliCompressSync(data, {
			params: {
				[constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
				[constants.BROTLI_PARAM_SIZE_HINT]: data.length
			}
		})
	);
}

// Inline style attributes in the compiled templates (SvelteKit's route announcer) are allowed
// by their hashes ('unsafe-hashes'), not by 'unsafe-inline'; the server reads them from here.
const styles = new Set();
function collectStyles(dir) {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) collectStyles(path);
		else if (name.endsWith('.js')) {
			for (const match of readFileSync(path, 'utf8').matchAll(/\sstyle="([^"]*)"/g)) {
				styles.add(match[1]);
			}
		}
	}
}
collectStyles(join(out, '_app'));
const styleHashes = [...styles]
	.map((value) => `sha256-${createHash('sha256').update(value).digest('base64')}`)
	.sort();
writeFileSync(join(out, '_app', 'csp.json'), JSON.stringify({ style_hashes: styleHashes }) + '\n');

// What each page needs beyond index.html, so the server can preload it with the page instead
// of the browser discovering it only after the router has started (one round trip less).
const kitServer = new URL('../.svelte-kit/output/server/', import.meta.url);
const { manifest } = await import(new URL('manifest.js', kitServer).href);
const inIndex = new Set([...html.matchAll(/_app\/immutable\/[^"]+/g)].map((m) => m[0]));
function nodeFiles(index) {
	const source = readFileSync(new URL(`nodes/${index}.js`, kitServer), 'utf8');
	const list = (name) =>
		JSON.parse(new RegExp(`export const ${name} = (\\[.*?\\]);`).exec(source)?.[1] ?? '[]');
	return { js: list('imports'), css: list('stylesheets') };
}
const routes = manifest._.routes
	.filter((route) => route.page)
	.map((route) => {
		// The error pages too: the router loads them with every page, in case it fails.
		const nodes = [...route.page.layouts, ...route.page.errors, route.page.leaf].filter(
			(n) => n !== undefined && n !== null
		);
		const files = nodes.map(nodeFiles);
		const fresh = (key) =>
			[...new Set(files.flatMap((f) => f[key]))].filter((f) => !inIndex.has(f));
		return { id: route.id, pattern: route.pattern.source, js: fresh('js'), css: fresh('css') };
	});
writeFileSync(join(out, '_app', 'routes.json'), JSON.stringify(routes) + '\n');

// Sizes, for the record: all JS and what the first page of /jobs needs.
let total = 0;
function walk(dir) {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) walk(path);
		else if (name.endsWith('.js')) total += gzipSync(readFileSync(path), { level: 9 }).length;
	}
}
walk(join(out, '_app'));
console.log(
	`postbuild: ${bootName}; ${styleHashes.length} inline style hash(es); ` +
		`all JS ${(total / 1024).toFixed(1)} KB gzipped`
);
