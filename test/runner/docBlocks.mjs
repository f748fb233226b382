// The docs' code blocks as tests (`npm test`, filter `docs`), so README.md and docs/*.md cannot drift
// from the SDK. The convention (docs/architecture.md, "Code blocks in the docs") is the fence's info
// string: its first word is the language, the next word the mode.
//   ```lua             a complete server Script: run in an emulated server with the SDK installed
//   ```lua snippet     run in a server Script after `local PostHog = require(...)` and PostHog:Init,
//                      inside a Players.PlayerAdded handler: `PostHog`, `Players`, `ReplicatedStorage`
//                      and `player` are in scope
//   ```lua client      a complete LocalScript: run on a player's client, the server SDK initialized
//   ```lua fragment    not run; it must compile (loadstring)
//   ```ts [client]     compiled by rbxtsc against the package's typings (out/, `npm run build`)
//   ```ts fragment     not compiled
// Placeholders: "<ph_project_token>" and "<ph_feature_flags_secure_key>" become test keys, and the
// hosts "https://us.i.posthog.com" and "https://eu.i.posthog.com" become the fake PostHog's url.
// Luau blocks run in the spec src/__tests__/docs/docs.spec.ts, which reads them from the module built
// here (mounted at ServerStorage.BuiltArtifacts.DocBlocks); TypeScript blocks and the page checks run
// here in Node.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The spec file that runs the Luau blocks; a filter that is part of its name selects the docs tests. */
export const DOCS_SPEC_NAME = "docs";

export const TEST_PROJECT_KEY = "phc_docs_test_key";
export const TEST_SECURE_KEY = "phs_docs_test_secure_key";
/** Written where the host goes; the spec puts its fake's url there (as the consumer places do). */
export const HOST_PLACEHOLDER = "{{POSTHOG_HOST}}";
const PLACEHOLDERS = [
	["<ph_project_token>", TEST_PROJECT_KEY],
	["<ph_feature_flags_secure_key>", TEST_SECURE_KEY],
	['"https://us.i.posthog.com"', `"${HOST_PLACEHOLDER}"`],
	['"https://eu.i.posthog.com"', `"${HOST_PLACEHOLDER}"`],
];

const LANGUAGES = { lua: "luau", luau: "luau", ts: "ts", typescript: "ts" };
const MODES = { luau: ["server", "snippet", "client", "fragment"], ts: ["server", "client", "fragment"] };

export function docsSelected(filters) {
	return filters.length === 0 || filters.some((filter) => DOCS_SPEC_NAME.includes(filter));
}

/** README.md and every docs/*.md, as paths relative to `root`. */
export function docFiles(root) {
	const docs = fs
		.readdirSync(path.join(root, "docs"))
		.filter((name) => name.endsWith(".md"))
		.sort()
		.map((name) => `docs/${name}`);
	return ["README.md", ...docs];
}

/**
 * Every Luau and TypeScript block of the docs: { file, line (of the first code line, 1-based), origin,
 * lang, mode, source }, with placeholders substituted. Throws on an unknown mode or an unclosed fence.
 */
export function extractDocBlocks(root) {
	const blocks = [];
	for (const file of docFiles(root)) {
		const lines = fs.readFileSync(path.join(root, file), "utf8").split("\n");
		for (let index = 0; index < lines.length; index++) {
			const open = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(lines[index]);
			if (!open) continue;
			const [, indent, fence, info] = open;
			const close = lines.findIndex(
				(line, at) => at > index && line.trim().startsWith(fence) && !line.trim().slice(fence.length).trim(),
			);
			if (close === -1) throw new Error(`${file}:${index + 1}: code fence is never closed`);
			const [language, mode, ...rest] = info.trim().split(/\s+/);
			const lang = LANGUAGES[language?.toLowerCase()];
			const body = lines
				.slice(index + 1, close)
				.map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line));
			const line = index + 2;
			index = close;
			if (lang === undefined) continue;
			const resolvedMode = mode ?? "server";
			if (!MODES[lang].includes(resolvedMode) || rest.length > 0) {
				throw new Error(
					`${file}:${line - 1}: unknown code block mode "${info.trim()}": use ${MODES[lang].map((m) => (m === "server" ? language : `${language} ${m}`)).join(", ")} (docs/architecture.md)`,
				);
			}
			let source = body.join("\n");
			if (resolvedMode !== "fragment") {
				for (const [from, to] of PLACEHOLDERS) source = source.split(from).join(to);
			}
			blocks.push({ file, line, origin: `${file}:${line}`, lang, mode: resolvedMode, source });
		}
	}
	return blocks;
}

/** A Luau long string holding `text` exactly. */
function longString(text) {
	let level = "";
	while (text.includes(`]${level}]`)) level += "=";
	// A newline right after the opening bracket is skipped by Luau, so the text keeps its first line.
	return `[${level}[\n${text}]${level}]`;
}

/**
 * The ModuleScript the docs spec requires: `{ projectKey, hostPlaceholder, blocks = { { origin, mode,
 * line, source }, ... } }` (Luau blocks only).
 */
export function docBlocksModule(blocks) {
	const entries = blocks
		.filter((block) => block.lang === "luau")
		.map(
			(block) =>
				`\t{ origin = ${longString(block.origin)}, mode = "${block.mode}", line = ${block.line}, source = ${longString(block.source)} },`,
		);
	const source = [
		"return {",
		`projectKey = "${TEST_PROJECT_KEY}",`,
		`hostPlaceholder = "${HOST_PLACEHOLDER}",`,
		"blocks = {",
		...entries,
		"},",
		"}",
		"",
	].join("\n");
	return { name: "DocBlocks", className: "ModuleScript", children: [], source };
}

function run(command, args, cwd) {
	return new Promise((resolve) => {
		const child = spawn(command, args, { cwd, env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
		let output = "";
		child.stdout.on("data", (chunk) => (output += chunk));
		child.stderr.on("data", (chunk) => (output += chunk));
		child.on("error", (error) => resolve({ ok: false, output: String(error) }));
		child.on("close", (code) => resolve({ ok: code === 0, output }));
	});
}

const RBXTSC = "node_modules/roblox-ts/out/CLI/cli.js";
// eslint-disable-next-line no-control-regex -- terminal colour codes are control characters
const ANSI = /\u001b\[[0-9;]*m/g;

/** Builds the npm package's out/ (what `npm run build` compiles first), for the TypeScript blocks. */
export async function buildPackageTypings(root) {
	const result = await run(process.execPath, [path.join(root, RBXTSC)], root);
	return { ok: result.ok, output: result.output.replace(ANSI, "").trim() };
}

/**
 * Compiles every TypeScript block (not fragments) with rbxtsc in build/docs-ts/, a roblox-ts project
 * that depends on @rbxts/posthog as the package's out/ (copied) and on the SDK's own @rbxts packages.
 * Resolves one result per block: { origin, ok, detail }.
 */
export async function compileTypeScriptBlocks(root, blocks) {
	const tsBlocks = blocks.filter((block) => block.lang === "ts" && block.mode !== "fragment");
	if (tsBlocks.length === 0) return [];
	const dir = path.join(root, "build/docs-ts");
	const packageOut = path.join(root, "out");
	if (!fs.existsSync(path.join(packageOut, "index.d.ts"))) {
		const detail = "out/index.d.ts is missing: run `npm run build`";
		return tsBlocks.map((block) => ({ origin: block.origin, ok: false, detail }));
	}
	fs.rmSync(path.join(dir, "src"), { recursive: true, force: true });
	fs.rmSync(path.join(dir, "out"), { recursive: true, force: true });
	const scope = path.join(dir, "node_modules/@rbxts");
	fs.mkdirSync(scope, { recursive: true });
	for (const name of ["types", "compiler-types", "services", "t"]) {
		const link = path.join(scope, name);
		if (!fs.existsSync(link)) fs.symlinkSync(path.join(root, "node_modules/@rbxts", name), link, "dir");
	}
	const sdk = path.join(scope, "posthog");
	fs.rmSync(sdk, { recursive: true, force: true });
	fs.mkdirSync(sdk);
	fs.cpSync(packageOut, path.join(sdk, "out"), {
		recursive: true,
		filter: (source) => !source.includes(`${path.sep}__tests__`) && !source.endsWith(".tsbuildinfo"),
	});
	fs.copyFileSync(path.join(root, "package.json"), path.join(sdk, "package.json"));
	fs.writeFileSync(
		path.join(dir, "package.json"),
		JSON.stringify({ name: "docs-ts", version: "0.0.0", private: true }),
	);
	const baseOptions = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.json"), "utf8")).compilerOptions;
	const compilerOptions = { ...baseOptions, rootDir: "src", outDir: "out", declaration: false, incremental: false };
	delete compilerOptions.tsBuildInfoFile;
	fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src"] }, null, "\t"));

	const byFile = new Map();
	fs.mkdirSync(path.join(dir, "src"));
	for (const block of tsBlocks) {
		const slug = block.file.replace(/\.md$/, "").replace(/[^A-Za-z0-9]+/g, "_");
		const name = `${slug}_L${block.line}.${block.mode}.ts`;
		fs.writeFileSync(path.join(dir, "src", name), block.source + "\n");
		byFile.set(`src/${name}`, { block, problems: [] });
	}
	const result = await run(process.execPath, [path.join(root, RBXTSC), "-p", dir, "--type", "package"], dir);
	const output = result.output.replace(ANSI, "");
	const unattributed = [];
	// Diagnostics look like "src/<file>:<line>:<column> - error TS2345: ..."; lines are the block's.
	for (const line of output.split("\n")) {
		const match = /^(src\/[^:]+):(\d+):(\d+) - (.*)$/.exec(line.trim());
		const entry = match && byFile.get(match[1]);
		if (entry) entry.problems.push(`${entry.block.file}:${entry.block.line + Number(match[2]) - 1}: ${match[4]}`);
		else if (/error/i.test(line)) unattributed.push(line.trim());
	}
	// A failed run with no diagnostic in any block's file (a broken project, a crash) fails every block.
	const attributed = [...byFile.values()].some((entry) => entry.problems.length > 0);
	return [...byFile.values()].map(({ block, problems }) => {
		if (problems.length > 0) return { origin: block.origin, ok: false, detail: problems.join("\n") };
		if (!result.ok && !attributed)
			return { origin: block.origin, ok: false, detail: unattributed.join("\n") || output.trim() };
		return { origin: block.origin, ok: true };
	});
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens. */
function slug(heading) {
	return heading
		.trim()
		.toLowerCase()
		.replace(/`/g, "")
		.replace(/[^\p{L}\p{N}\s_-]/gu, "")
		.replace(/\s/g, "-");
}

function anchorsOf(text) {
	const anchors = new Set();
	const counts = new Map();
	let inFence = false;
	for (const line of text.split("\n")) {
		if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
		const heading = !inFence && /^#{1,6}\s+(.*)$/.exec(line);
		if (!heading) continue;
		const base = slug(heading[1]);
		const seen = counts.get(base) ?? 0;
		counts.set(base, seen + 1);
		anchors.add(seen === 0 ? base : `${base}-${seen}`);
	}
	return anchors;
}

function keysOf(source, pattern) {
	return [...source.matchAll(pattern)].map((match) => match[1]);
}

/**
 * Checks that keep the pages complete: every message id has a troubleshooting entry, every Init
 * option a configuration entry, and every relative link (and #anchor) in the docs resolves.
 * Returns { name, ok, detail }.
 */
export function checkDocPages(root) {
	const read = (file) => (fs.existsSync(path.join(root, file)) ? fs.readFileSync(path.join(root, file), "utf8") : "");
	const results = [];
	const compare = (name, expected, documented, where) => {
		const missing = expected.filter((key) => !documented.includes(key));
		const stale = documented.filter((key) => !expected.includes(key));
		const detail = [
			missing.length ? `not documented in ${where}: ${missing.join(", ")}` : "",
			stale.length ? `documented in ${where} but gone from the code: ${stale.join(", ")}` : "",
		]
			.filter(Boolean)
			.join("\n");
		results.push({ name, ok: detail === "", detail: detail || undefined });
	};

	const messagesBody = /export const MESSAGES = \{([\s\S]*?)\n\}/.exec(read("src/core/messages.ts"))?.[1] ?? "";
	compare(
		"docs: troubleshooting.md has a section for every message id in src/core/messages.ts",
		keysOf(messagesBody, /^\t([A-Z0-9_]+):/gm),
		keysOf(read("docs/troubleshooting.md"), /^###\s+`([A-Z0-9_]+)`/gm),
		"docs/troubleshooting.md (### `ID`)",
	);

	const optionsBody =
		/export interface PostHogOptions \{([\s\S]*?)\n\}/.exec(read("src/core/config/PostHogConfig.ts"))?.[1] ?? "";
	compare(
		"docs: configuration.md has a section for every PostHog:Init option",
		keysOf(optionsBody, /^\t(\w+)\?:/gm),
		keysOf(read("docs/configuration.md"), /^###\s+`(\w+)`/gm),
		"docs/configuration.md (### `option`)",
	);

	const broken = [];
	for (const file of docFiles(root)) {
		const text = read(file);
		const withoutCode = text.replace(/^\s*(`{3,}|~{3,})[\s\S]*?^\s*\1\s*$/gm, "");
		for (const [, target] of withoutCode.matchAll(/\]\(([^)\s]+)\)/g)) {
			if (/^[a-z]+:/i.test(target)) continue;
			const [pathPart, anchor] = target.split("#");
			const targetFile = pathPart ? path.normalize(path.join(path.dirname(file), pathPart)) : file;
			if (!fs.existsSync(path.join(root, targetFile))) {
				broken.push(`${file}: ${target} (no such file)`);
			} else if (anchor && targetFile.endsWith(".md") && !anchorsOf(read(targetFile)).has(anchor)) {
				broken.push(`${file}: ${target} (no such heading)`);
			}
		}
	}
	results.push({
		name: "docs: relative links and #anchors in README.md and docs/ resolve",
		ok: broken.length === 0,
		detail: broken.length ? broken.join("\n") : undefined,
	});
	return results;
}
