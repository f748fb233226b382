// Runs the compliance adapter's tests (test/adapter/*.test.mjs, node:test) for `npm test`: each file
// in its own process, all files at once (they mostly wait on real-time retries), one line per test.
// `node test/adapter/runAdapterTests.mjs` runs them alone (out-test/ must be built).
import fs from "node:fs";
import path from "node:path";
import { run } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
/** Per test file, in ms: the slowest file waits about 10 s of real retries. */
const FILE_TIMEOUT_MS = 120_000;

/** Whether `npm test`'s filters select these tests: no filter, or `adapter`. */
export function adapterTestsSelected(filters) {
	return filters.length === 0 || filters.includes("adapter");
}

/**
 * Resolves { passed, failed, skipped, ms }; writes PASS/FAIL/SKIP per test and the failures' details
 * through `log` (default console.log). `filters`: test file name parts.
 */
export async function runAdapterTests({ filters = [], log = console.log } = {}) {
	const started = performance.now();
	const files = fs
		.readdirSync(here)
		.filter((file) => file.endsWith(".test.mjs"))
		.filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
		.sort()
		.map((file) => path.join(here, file));
	let passed = 0;
	let failed = 0;
	let skipped = 0;
	const stream = run({ files, concurrency: files.length, timeout: FILE_TIMEOUT_MS });
	for await (const event of stream) {
		const { type, data } = event;
		if (type !== "test:pass" && type !== "test:fail") continue;
		// Top-level tests only: a file's own pass/fail event repeats its tests' outcome.
		if (data.nesting !== 0 || data.details?.type === "suite" || data.name === data.file) continue;
		const file = path.basename(data.file ?? "");
		const seconds = ((data.details?.duration_ms ?? 0) / 1000).toFixed(1);
		if (type === "test:pass" && data.skip !== undefined && data.skip !== false) {
			skipped += 1;
			log(`SKIP adapter ${file}: ${data.name} (${data.skip})`);
		} else if (type === "test:pass") {
			passed += 1;
			log(`PASS adapter ${file}: ${data.name} (${seconds} s)`);
		} else {
			failed += 1;
			log(`FAIL adapter ${file}: ${data.name} (${seconds} s)`);
			const error = data.details?.error;
			const detail = error?.cause?.stack ?? error?.cause?.message ?? error?.stack ?? String(error);
			log(String(detail).replace(/^/gm, "    "));
		}
	}
	const ms = performance.now() - started;
	log(`adapter tests ${(ms / 1000).toFixed(1)} s${skipped > 0 ? `, ${skipped} skipped` : ""}`);
	return { passed, failed, skipped, ms };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const { passed, failed } = await runAdapterTests({ filters: process.argv.slice(2) });
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed > 0 ? 1 : 0);
}
