// Validates responses with the zod schemas of chancy 0.26's own dashboard.
//
//   node tests/reference_contract.mjs <chancy>/plugins/api/ui/src/services/schemas.ts <ui dir>
//
// Reads [{name, schema, body}] as JSON on stdin, where `schema` names an export of schemas.ts,
// with `[]` after it for an array of them, or is "string[]"; prints [{name, ok, issues}].
// schemas.ts is read where chancy is installed and transpiled here with the `typescript`
// package of <ui dir>, whose `zod` it imports: nothing of it is copied into this repository.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const [schemasPath, uiDir] = process.argv.slice(2);
const uiRequire = createRequire(resolve(uiDir, 'package.json'));
const ts = uiRequire('typescript');
const { z } = uiRequire('zod');

function loadSchemas(path) {
	const { outputText } = ts.transpileModule(readFileSync(path, 'utf8'), {
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 }
	});
	const module = { exports: {} };
	new Function('require', 'module', 'exports', outputText)(uiRequire, module, module.exports);
	return module.exports;
}

function schemaNamed(schemas, name) {
	if (name === 'string[]') return z.array(z.string());
	const item = schemas[name.replace(/\[\]$/, '')];
	if (!item) throw new Error(`schemas.ts has no ${name.replace(/\[\]$/, '')}`);
	return name.endsWith('[]') ? z.array(item) : item;
}

const schemas = loadSchemas(schemasPath);
const checks = JSON.parse(readFileSync(0, 'utf8'));
const results = checks.map(({ name, schema, body }) => {
	const parsed = schemaNamed(schemas, schema).safeParse(body);
	return { name, ok: parsed.success, issues: parsed.success ? [] : parsed.error.issues };
});
process.stdout.write(JSON.stringify(results));
