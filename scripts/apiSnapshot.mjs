// The public API as a committed file: concatenates the declarations reachable from out/index.d.ts
// (what `@rbxts/posthog` exports) into api/posthog.d.ts. Run after `rbxtsc` (package build).
// Default: compare and exit 1 on any difference. `--update`: rewrite the snapshot.
// Runs in the current directory (npm runs scripts from the package root).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const OUT = "out";
const SNAPSHOT = "api/posthog.d.ts";
const RELATIVE_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}(?:\/[^"']*)?)["']/g;

function resolveDeclaration(fromFile, specifier) {
	const base = join(dirname(fromFile), specifier);
	for (const candidate of [`${base}.d.ts`, join(base, "index.d.ts")]) {
		if (existsSync(candidate)) return candidate;
	}
	throw new Error(`${fromFile}: cannot find the declarations of "${specifier}"`);
}

/** Every .d.ts reachable from out/index.d.ts through relative imports and re-exports, index first. */
function collectPublicDeclarations() {
	const entry = join(OUT, "index.d.ts");
	if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
	const seen = new Set([entry]);
	const pending = [entry];
	while (pending.length > 0) {
		const file = pending.pop();
		for (const [, specifier] of readFileSync(file, "utf8").matchAll(RELATIVE_SPECIFIER)) {
			const target = resolveDeclaration(file, specifier);
			if (seen.has(target)) continue;
			seen.add(target);
			pending.push(target);
		}
	}
	const [first, ...rest] = [...seen].map((file) => relative(OUT, file).replaceAll("\\", "/"));
	return [first, ...rest.sort()];
}

function buildSnapshot() {
	const header =
		"// Public API of @rbxts/posthog, generated from the compiler's declarations by `npm run api:update`.\n" +
		"// CI fails when this file and the code disagree: update it in the same commit as the API change,\n" +
		"// with a CHANGELOG.md entry.\n";
	const sections = collectPublicDeclarations().map(
		(file) => `\n// ---- ${file} ----\n${readFileSync(join(OUT, file), "utf8").replaceAll("\r\n", "\n").trimEnd()}\n`,
	);
	return header + sections.join("");
}

/** Prints the changed region: lines between the common head and the common tail. */
function printDifference(expected, actual) {
	const before = expected.split("\n");
	const after = actual.split("\n");
	let head = 0;
	while (head < before.length && head < after.length && before[head] === after[head]) head++;
	let tail = 0;
	while (
		tail < before.length - head &&
		tail < after.length - head &&
		before[before.length - 1 - tail] === after[after.length - 1 - tail]
	)
		tail++;
	const removed = before.slice(head, before.length - tail).map((line) => `- ${line}`);
	const added = after.slice(head, after.length - tail).map((line) => `+ ${line}`);
	const lines = [`@@ line ${head + 1}`, ...removed, ...added];
	console.error(lines.slice(0, 40).join("\n") + (lines.length > 40 ? `\n... ${lines.length - 40} more lines` : ""));
}

const snapshot = buildSnapshot();
if (process.argv.includes("--update")) {
	mkdirSync(dirname(SNAPSHOT), { recursive: true });
	writeFileSync(SNAPSHOT, snapshot);
	console.log(`wrote ${SNAPSHOT}`);
} else {
	const committed = existsSync(SNAPSHOT) ? readFileSync(SNAPSHOT, "utf8") : "";
	if (committed !== snapshot) {
		console.error(`The public API differs from ${SNAPSHOT} (- snapshot, + code):`);
		printDifference(committed, snapshot);
		console.error("If the change is intended: `npm run api:update`, commit the snapshot, add a CHANGELOG.md entry.");
		process.exit(1);
	}
	console.log(`${SNAPSHOT} matches the public API`);
}
