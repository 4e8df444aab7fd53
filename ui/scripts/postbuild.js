// After `vite build`: move SvelteKit's inline bootstrap script out of index.html so the
// dashboard runs under a Content-Security-Policy without 'unsafe-inline' scripts.
//
// The bootstrap names the base path, which is only known when the server starts (it rewrites
// the placeholder in index.html). The external copy instead derives the base from its own URL,
// `<base>/_app/immutable/boot.<hash>.js`, so it is a plain immutable, cacheable asset.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { BASE_PLACEHOLDER } from '../svelte.config.js';

const out = new URL('../../chancy_web/static/', import.meta.url).pathname;
const indexPath = join(out, 'index.html');
let html = readFileSync(indexPath, 'utf8');

const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
if (inline.length !== 1) {
	throw new Error(`expected one inline bootstrap script in index.html, found ${inline.length}`);
}
const [tag, body] = /** @type {[string, string]} */ ([inline[0][0], inline[0][1]]);
if (!body.includes('document.currentScript')) {
	throw new Error('the bootstrap script changed shape: review scripts/postbuild.js');
}

const quoted = `"${BASE_PLACEHOLDER}`;
const boot =
	'{\n' +
	'const __chancy_base = new URL(document.currentScript.src).pathname' +
	".replace(/\\/_app\\/immutable\\/[^/]*$/, '');\n" +
	body.split(quoted).join('__chancy_base + "').trim() +
	'\n}\n';
if (boot.includes(BASE_PLACEHOLDER)) throw new Error('base placeholder left in the bootstrap');

const hash = createHash('sha256').update(boot).digest('base64url').slice(0, 10);
const bootName = `_app/immutable/boot.${hash}.js`;
writeFileSync(join(out, bootName), boot);
html = html.replace(tag, `<script src="${BASE_PLACEHOLDER}/${bootName}"></script>`);
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html) || /\son[a-z]+=/i.test(html)) {
	throw new Error('index.html still has inline script');
}
writeFileSync(indexPath, html);

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
compress(indexPath);
compress(join(out, bootName));

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
console.log(`postbuild: ${bootName}; all JS ${(total / 1024).toFixed(1)} KB gzipped`);
