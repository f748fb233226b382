// Repository checks that `npm test` runs before the specs (`npm run check` runs them alone). Each
// check on the real tree, and each guard self-test (selfTest.mjs), is one test in "N passed, N failed".
import { fileURLToPath, pathToFileURL } from "node:url";
import { npmScript } from "./npmScript.mjs";
import { runGuardSelfTests } from "./selfTest.mjs";

const CHECKS = [
	{ name: "format: prettier + stylua", script: "format:check", fix: "run `npm run format`" },
	{ name: "lint: eslint, zero warnings", script: "lint", fix: "fix the code; an eslint-disable needs `-- reason`" },
	{
		name: "version: src/version.ts and wally.toml match package.json",
		script: "version:check",
		fix: "run `npm run version:sync`",
	},
	{
		name: "api: api/posthog.d.ts matches the public typings",
		script: "api:check",
		fix: "fix the build, or if the API change is intended: `npm run api:update` + a CHANGELOG.md entry",
	},
];

async function runTreeChecks(root) {
	const results = [];
	for (const check of CHECKS) {
		const run = await npmScript(root, check.script);
		results.push({
			name: check.name,
			ok: run.ok,
			ms: run.ms,
			detail: run.ok ? undefined : `${run.output}\n-> ${check.fix}`,
		});
	}
	return results;
}

/** Runs the checks (the tree's and the guards' self-tests, side by side) and prints one line each. */
export async function runChecks({ root }) {
	const started = performance.now();
	const [tree, guards] = await Promise.all([runTreeChecks(root), runGuardSelfTests(root)]);
	const results = [...tree, ...guards.map((r) => ({ ...r, name: `guard self-test: ${r.name}` }))];
	for (const { name, ok, ms, detail } of results) {
		console.log(`${ok ? "PASS" : "FAIL"} check ${name} (${(ms / 1000).toFixed(1)} s)`);
		if (detail) console.log(detail.replace(/^/gm, "    "));
	}
	const failed = results.filter((r) => !r.ok).length;
	console.log(`checks ${((performance.now() - started) / 1000).toFixed(1)} s`);
	return { passed: results.length - failed, failed };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const { passed, failed } = await runChecks({ root: fileURLToPath(new URL("../../", import.meta.url)) });
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed > 0 ? 1 : 0);
}
