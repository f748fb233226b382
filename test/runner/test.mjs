// `npm test`: compile the SDK and its specs, build the distribution artifacts (`npm run build`) and the
// consumer places made from them (consumers.mjs), run every spec with jest-roblox on luau-web inside the
// emulated engine, print jest's report and "N passed, N failed", exit non-zero on any failure.
// `--no-build` reuses out-test/ and dist/; `--no-checks` skips the repository checks; other arguments
// are spec file filters (the distribution artifacts are built only when a filter selects their specs).
// The docs' code blocks and page checks (docBlocks.mjs) run when the filters select the `docs` spec.
// The compliance adapter's tests (test/adapter/) run beside the specs, with no filter or `adapter`.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { adapterTestsSelected, runAdapterTests } from "../adapter/runAdapterTests.mjs";
import { runChecks } from "../guards/runChecks.mjs";
import { placesFor, prepareConsumers } from "./consumers.mjs";
import {
	buildPackageTypings,
	checkDocPages,
	compileTypeScriptBlocks,
	docBlocksModule,
	docsSelected,
	extractDocBlocks,
} from "./docBlocks.mjs";
import { runSpecsRetryingLoadFailures } from "./runSpecs.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const args = process.argv.slice(2);
const skipBuild = args.includes("--no-build");
const skipChecks = args.includes("--no-checks");
const filters = args.filter((a) => !a.startsWith("--"));
// format, lint, version and API snapshot on the tree, plus the guards' self-tests (test/guards/).
const checks = skipChecks ? { passed: 0, failed: 0 } : await runChecks({ root });
const counts = { passed: checks.passed, failed: checks.failed };

function report(name, ok, ms, detail) {
	console.log(`${ok ? "PASS" : "FAIL"} ${name} (${(ms / 1000).toFixed(1)} s)`);
	if (detail) console.log(detail.replace(/^/gm, "    "));
	counts[ok ? "passed" : "failed"]++;
}

/** Runs node with `args` in the root; resolves { ok, output, ms }. */
function node(...nodeArgs) {
	const started = performance.now();
	return new Promise((resolve) => {
		const child = spawn(process.execPath, nodeArgs, { cwd: root });
		let output = "";
		child.stdout.on("data", (chunk) => (output += chunk));
		child.stderr.on("data", (chunk) => (output += chunk));
		child.on("close", (code) => resolve({ ok: code === 0, output: output.trim(), ms: performance.now() - started }));
	});
}

const places = placesFor(filters);
/** Builds the places the distribution specs run (consumers.mjs) from dist/; resolves with the time it took. */
async function prepareConsumerPlaces() {
	const started = performance.now();
	const prepared = places.length > 0 ? await prepareConsumers({ root, places }) : { nodes: [], results: [] };
	return { ...prepared, ms: performance.now() - started };
}
let consumersPreparing;
const t0 = performance.now();
// The docs' Luau blocks go to the docs spec; TypeScript blocks compile against out/ alongside the build.
const docs = docsSelected(filters) ? startDocs() : undefined;
if (!skipBuild) {
	const rbxtsc = "node_modules/roblox-ts/out/CLI/cli.js";
	// The api check has just built out/ (the npm package); without checks the build does it.
	const distArgs = ["scripts/build.mjs", ...(skipChecks ? [] : ["--skip-package-build"])];
	const distBuilding = places.length > 0 ? node(...distArgs) : undefined;
	// The consumer places need only dist/: prepare them while the test build runs.
	consumersPreparing = distBuilding?.then(prepareConsumerPlaces);
	docs?.compile(skipChecks ? distBuilding : undefined);
	const [testBuild, distBuild] = await Promise.all([
		node(rbxtsc, "-p", "tsconfig.test.json", "--rojo", "test.project.json", "--type", "game"),
		distBuilding,
	]);
	if (!testBuild.ok) {
		console.log(testBuild.output);
		console.log("rbxtsc failed: the SDK or its specs do not compile");
		console.log(`${counts.passed} passed, ${counts.failed + 1} failed`);
		process.exit(1);
	}
	if (distBuild) report("build: npm run build (artifacts in dist/)", distBuild.ok, distBuild.ms, distBuild.output);
}
const buildMs = performance.now() - t0;

const consumers = await (consumersPreparing ?? prepareConsumerPlaces());
for (const { name, ok, ms, detail } of consumers.results) report(`consumer place ${name}`, ok, ms, detail);
const consumersMs = consumers.ms;

if (docs) {
	if (skipBuild) docs.compile(undefined);
	const { ts, ms } = await docs.compiled;
	const failed = ts.filter((r) => !r.ok);
	const detail = failed.map((r) => `${r.origin}\n${r.detail.replace(/^/gm, "  ")}`).join("\n");
	console.log(
		`${failed.length ? "FAIL" : "PASS"} docs: ${ts.length - failed.length} of ${ts.length} TypeScript blocks compile (${(ms / 1000).toFixed(1)} s)`,
	);
	if (detail) console.log(detail.replace(/^/gm, "    "));
	counts.passed += ts.length - failed.length;
	counts.failed += failed.length;
	for (const { name, ok, detail: why } of docs.pageChecks) report(name, ok, 0, why);
}

const artifacts = docs?.module ? [...consumers.nodes, docs.module] : consumers.nodes;
// They mostly wait on real-time retries: run them beside the specs, print them after.
const adapterLines = [];
const adapterRun = adapterTestsSelected(filters)
	? runAdapterTests({ log: (line) => adapterLines.push(line) })
	: undefined;
const specFilters = filters.filter((filter) => filter !== "adapter");
const result =
	filters.length > 0 && specFilters.length === 0
		? { ok: true, passed: 0, failed: 0, ms: 0 }
		: await runSpecsRetryingLoadFailures({ root, filters: specFilters, artifacts });
const adapter = (await adapterRun) ?? { passed: 0, failed: 0, ms: 0 };
for (const line of adapterLines) console.log(line);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(
	`build ${seconds(buildMs)}, consumer places ${seconds(consumersMs)}, specs ${seconds(result.ms)}, adapter tests ${seconds(adapter.ms)}`,
);
const passed = result.passed + counts.passed + adapter.passed;
const failed = result.failed + counts.failed + adapter.failed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || !result.ok ? 1 : 0);

/**
 * The docs' tests: blocks extracted now (a malformed block fails at once), TypeScript compiled once
 * out/ is current (`compile(distBuilding)`: after the dist build that rebuilds it, or a package build of
 * its own when checks were skipped), page checks.
 */
function startDocs() {
	let blocks = [];
	let extractError;
	try {
		blocks = extractDocBlocks(root);
	} catch (error) {
		extractError = String(error?.message ?? error);
	}
	let resolveCompiled;
	const compiled = new Promise((resolve) => (resolveCompiled = resolve));
	return {
		module: extractError ? undefined : docBlocksModule(blocks),
		pageChecks: extractError
			? [{ name: "docs: code blocks follow the convention", ok: false, detail: extractError }]
			: checkDocPages(root),
		compiled,
		compile(distBuilding) {
			const started = performance.now();
			const done = (ts) => resolveCompiled({ ts, ms: performance.now() - started });
			(async () => {
				if (distBuilding) await distBuilding;
				else if (skipChecks && !skipBuild) {
					const build = await buildPackageTypings(root);
					if (!build.ok) return done([{ origin: "npm package build (rbxtsc)", ok: false, detail: build.output }]);
				}
				done(await compileTypeScriptBlocks(root, blocks));
			})().catch((error) =>
				done([{ origin: "docs TypeScript blocks", ok: false, detail: String(error?.stack ?? error) }]),
			);
		},
	};
}
