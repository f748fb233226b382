// `npm run bench [-- name...]`: builds the test project once, runs every bench/*.bench.mjs (or those
// whose name contains one of the arguments) one after another, each with --no-build and --json, and
// prints ONE table of the headline figures. A full run (no names) also rewrites docs/benchmarks.md
// with the table, the date and the machine. Rows whose benchmark is absent print "n/a (not built)".
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as prettier from "prettier";

const root = fileURLToPath(new URL("../", import.meta.url));
const benchDir = path.join(root, "bench");
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const benches = fs
	.readdirSync(benchDir)
	.filter((file) => file.endsWith(".bench.mjs"))
	.filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
	.sort();

if (!process.argv.includes("--no-build")) {
	execFileSync("npx", ["rbxtsc", "-p", "tsconfig.test.json", "--rojo", "test.project.json", "--type", "game"], {
		cwd: root,
		stdio: "inherit",
	});
}

/** name ("capture") -> parsed JSON results, or an Error. */
const results = new Map();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "posthog-bench-"));
for (const file of benches) {
	const name = file.replace(/\.bench\.mjs$/, "");
	const out = path.join(scratch, `${name}.json`);
	const started = performance.now();
	process.stdout.write(`running ${file}... `);
	try {
		execFileSync(process.execPath, [path.join(benchDir, file), "--no-build", "--json", out], {
			cwd: root,
			stdio: ["ignore", "ignore", "inherit"],
		});
		results.set(name, JSON.parse(fs.readFileSync(out, "utf8")));
		console.log(`${((performance.now() - started) / 1000).toFixed(0)} s`);
	} catch (err) {
		results.set(name, err);
		console.log("failed");
	}
}
fs.rmSync(scratch, { recursive: true, force: true });

const us = (value) => `${value.toFixed(1)} µs`;
const NOT_BUILT = "n/a (not built)";

/** One row's value from a benchmark's results; n/a when the benchmark is absent, a note when it failed. */
function row(label, bench, format) {
	const data = results.get(bench);
	if (data === undefined) {
		const exists = fs.existsSync(path.join(benchDir, `${bench}.bench.mjs`));
		return [label, exists ? "not run (filtered out)" : NOT_BUILT];
	}
	if (data instanceof Error) return [label, `failed (bench/${bench}.bench.mjs, see its output above)`];
	try {
		return [label, format(data)];
	} catch {
		return [label, NOT_BUILT];
	}
}

const rows = [
	row("Capture cost", "capture", ({ results: r }) => {
		return `${us(r.capture)} per PostHog:Capture (${us(r.captureWithoutJsonAndGuid)} without the emulated JSONEncode and GenerateGUID)`;
	}),
	row(
		"Flush cost per event",
		"delivery",
		({ results: r }) => `${us(r.flush)} (Flush until sent, batches of 50, transport stubbed)`,
	),
	row("Bytes per event, gzip / plain", "capture", ({ results: r }) => {
		const plain = r.wire.find((entry) => entry.eventsPerBatch === 50 && !entry.gzip);
		const gzip = r.wire.find((entry) => entry.eventsPerBatch === 50 && entry.gzip);
		return `${Math.round(gzip.requestBytes / 50)} B / ${Math.round(plain.requestBytes / 50)} B (batches of 50, 10 properties)`;
	}),
	row("Requests per 10,000 events", "capture", ({ results: r }) => {
		const rates = Object.keys(r)
			.filter((key) => key.startsWith("requests:"))
			.map((key) => r[key])
			.sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
		const list = rates.map((entry) => {
			const notes = [];
			if (entry.stored > 0) notes.push(`${entry.stored} stored by durable delivery, sent later`);
			if (entry.dropped > 0) notes.push(`${entry.dropped} dropped: queue full`);
			const dropped = notes.length > 0 ? ` (${notes.join("; ")})` : "";
			return `${entry.requests} at ${entry.eventsPerSecond} events/s${dropped}`;
		});
		return `${list.join(", ")}; default config`;
	}),
	row("Relay fires per 1,000 client captures", "relay", ({ result: r }) =>
		r.fires.map((entry) => `${entry.fires} at ${entry.capturesPerSecond} captures/s`).join(", "),
	),
	row("Server cost per rejected relay message", "relay", ({ result: r }) => {
		return `${us(r.invalidMicroseconds)} invalid, ${us(r.rateLimitedMicroseconds)} rate-limited`;
	}),
	row("Memory per 1,000 queued events", "delivery", ({ results: r }) => {
		return `${Math.round(r.memory.gcinfoKilobytes)} KB live Luau heap (gcinfo delta), ${Math.round(r.memory.encodedKilobytes)} KB of it encoded events`;
	}),
	row("Durable delivery, per event", "delivery", ({ results: r }) => {
		const d = r.durable;
		return `${us(d.storeMicros)} to store at close, ${us(d.pickupMicros)} to pick up (storage stubbed); ${d.storedBytesPerEvent.toFixed(0)} B stored`;
	}),
	row("Durable delivery, storage requests per 1,000 events", "delivery", ({ results: r }) => {
		const d = r.durable;
		return `${d.dataStoreRequests} DataStore, ${d.memoryStoreRequests} MemoryStore (stored and picked up, chunks of 250)`;
	}),
	row("Flag read cost", "flags", ({ results: r }) => {
		return `${us(r.readRemote)} cached from /flags, ${us(r.readLocal)} local evaluation (IsFeatureEnabled)`;
	}),
];

function table() {
	const lines = ["| Measure | Result |", "|---|---|"];
	for (const [label, value] of rows) lines.push(`| ${label} | ${value} |`);
	return lines.join("\n");
}

const cpus = os.cpus();
const machine = `Node ${process.version}, ${cpus[0]?.model?.trim() ?? "unknown CPU"} (${cpus.length} cores), ${os.platform()} ${os.arch()}`;
const date = new Date().toISOString().slice(0, 10);
console.log(`\n${table()}\n\n${date}; ${machine}`);

const failed = [...results.values()].filter((data) => data instanceof Error).length;
if (filters.length === 0 && failed === 0) {
	const doc = `# Benchmarks

\`npm run bench\` measures the compiled SDK in luau-web inside the emulated engine (the same build and
emulator as the specs) and rewrites this file. luau-web interprets Luau without native code
generation, and JSONEncode, GenerateGUID and gzip are emulated (in Luau or across the VM boundary):
absolute microseconds overstate what a Roblox server pays; compare figures across commits on one
machine. Each benchmark prints its details when run alone (\`node bench/<name>.bench.mjs\`).

${table()}

Measured ${date} on ${machine}.
`;
	const file = path.join(root, "docs", "benchmarks.md");
	// Written as prettier would format it, so `npm run format:check` stays green.
	const options = (await prettier.resolveConfig(file)) ?? {};
	fs.writeFileSync(file, await prettier.format(doc, { ...options, filepath: file }));
	console.log("wrote docs/benchmarks.md");
}
process.exit(failed > 0 ? 1 : 0);
