// Proves that each repository guard can fail. Builds a minimal copy of the project (the real configs
// and scripts, a tiny clean src/) in a temp dir, plants one defect per guard, runs the npm script CI
// runs and expects it to fail for that defect. The temp dir is removed whatever happens.
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	realpathSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { npmScript } from "./npmScript.mjs";

const COPIED = [
	"package.json",
	".prettierrc",
	".prettierignore",
	"stylua.toml",
	"eslint.config.mjs",
	"tsconfig.json",
	"tsconfig.test.json",
	"wally.toml",
	"scripts/syncVersion.mjs",
	"scripts/apiSnapshot.mjs",
];

const lines = (...text) => `${text.join("\n")}\n`;

const CLEAN = {
	"src/index.ts": 'export { SDK_VERSION } from "./version";\n',
	"src/core/double.ts": "export function double(value: number): number {\n\treturn value * 2;\n}\n",
	"test/emulator/Clean.luau": "return { answer = 42 }\n",
};

const ARCHITECTURE = {
	"src/core/usesEngine.ts": lines(
		"export function placeIdLater(): number {",
		"\ttask.wait(1);",
		"\treturn game.PlaceId;",
		"}",
		"export const userIdOf = (player: Player) => player.UserId;",
	),
	"src/core/importsEngine.ts": lines(
		'import { Players } from "@rbxts/services";',
		'import { placeId } from "../engine/allowed";',
		"",
		"export const count = () => Players.GetPlayers().size() + placeId;",
	),
	// The same engine access outside core/ is allowed: proves the rules are scoped to core/.
	"src/engine/allowed.ts": lines(
		'import { Players } from "@rbxts/services";',
		"",
		"export const placeId = game.PlaceId;",
		"export const userIds = () => Players.GetPlayers().map((player: Player) => player.UserId);",
	),
	"src/core/undocumentedDisable.ts": lines(
		"// eslint-disable-next-line prefer-const",
		"let answer = 42;",
		"export const read = () => answer;",
	),
};

/** ESLint's JSON report as file (relative, "/"-separated) -> messages. */
function problemsByFile(output, dir) {
	const report = JSON.parse(output.slice(output.indexOf("[")));
	return new Map(report.map((r) => [r.filePath.slice(dir.length + 1).replaceAll("\\", "/"), r.messages]));
}

function hasProblem(problems, file, ruleId, text = "") {
	return (problems.get(file) ?? []).some((m) => m.ruleId === ruleId && m.message.includes(text));
}

// Each guard: plant files (text, or a function of the current text), run one npm script, then each
// expectation gets the failing output and returns true when the guard failed for the planted reason.
const GUARDS = [
	{
		script: "format:check",
		plant: { "src/core/ugly.ts": "export const  answer={value:42}\n" },
		expect: { "prettier rejects a misformatted TS file": (out) => out.includes("src/core/ugly.ts") },
	},
	{
		script: "format:check",
		plant: { "test/emulator/Ugly.luau": "local t   =  {1,2}\nreturn t\n" },
		expect: { "stylua rejects a misformatted Luau file": (out) => out.includes("Ugly.luau") },
	},
	{
		script: "lint",
		args: ["--format", "json"],
		plant: ARCHITECTURE,
		expect: {
			"lint rejects Roblox globals (game, task.wait) and types (Player) in core/": (out, dir) => {
				const problems = problemsByFile(out, dir);
				const file = "src/core/usesEngine.ts";
				return (
					["'game'", "'task'"].every((name) => hasProblem(problems, file, "no-restricted-globals", name)) &&
					hasProblem(problems, file, "@typescript-eslint/no-restricted-types", "Player")
				);
			},
			"lint rejects @rbxts/services and engine/ imports in core/": (out, dir) => {
				const problems = problemsByFile(out, dir);
				return ["@rbxts/services", "../engine/allowed"].every((name) =>
					hasProblem(problems, "src/core/importsEngine.ts", "no-restricted-imports", name),
				);
			},
			"lint allows the same engine access in engine/": (out, dir) => {
				const problems = problemsByFile(out, dir);
				return problems.has("src/engine/allowed.ts") && problems.get("src/engine/allowed.ts").length === 0;
			},
			"lint rejects an eslint-disable without a reason": (out, dir) =>
				hasProblem(
					problemsByFile(out, dir),
					"src/core/undocumentedDisable.ts",
					"@eslint-community/eslint-comments/require-description",
				),
		},
	},
	{
		script: "api:check",
		plant: { "src/index.ts": (text) => `${text}export function Extra(): void {}\n` },
		expect: {
			"api snapshot rejects an export without a snapshot update": (out) =>
				out.includes("+ export declare function Extra(): void;"),
		},
	},
	{
		script: "version:check",
		plant: { "wally.toml": (text) => text.replace(/^version = .*$/m, 'version = "9.9.9"') },
		expect: { "version check rejects a wally.toml version mismatch": (out) => out.includes("wally.toml") },
	},
	{
		script: "version:check",
		plant: { "src/version.ts": (text) => text.replace(/"[^"]*"/, '"9.9.9"') },
		expect: { "version check rejects a src/version.ts mismatch": (out) => out.includes("src/version.ts") },
	},
];

function write(dir, file, text) {
	mkdirSync(dirname(join(dir, file)), { recursive: true });
	writeFileSync(join(dir, file), text);
}

async function makeFixture(root, dir) {
	for (const file of COPIED) cpSync(join(root, file), join(dir, file));
	symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
	for (const [file, text] of Object.entries(CLEAN)) write(dir, file, text);
	for (const script of ["version:sync", "api:update"]) {
		const result = await npmScript(dir, script);
		if (!result.ok) throw new Error(`fixture setup: npm run ${script} failed:\n${result.output}`);
	}
}

/** Plants the defect, runs the guard, restores the files. */
async function runGuard(dir, guard) {
	const originals = {};
	for (const [file, plant] of Object.entries(guard.plant)) {
		const path = join(dir, file);
		originals[file] = existsSync(path) ? readFileSync(path, "utf8") : undefined;
		write(dir, file, typeof plant === "function" ? plant(originals[file]) : plant);
	}
	try {
		return await npmScript(dir, guard.script, ...(guard.args ?? []));
	} finally {
		for (const [file, text] of Object.entries(originals)) {
			if (text === undefined) rmSync(join(dir, file));
			else writeFileSync(join(dir, file), text);
		}
	}
}

/** @returns {Promise<{ name: string, ok: boolean, ms: number, detail?: string }[]>} */
export async function runGuardSelfTests(root) {
	const dir = realpathSync(mkdtempSync(join(tmpdir(), "posthog-guards-")));
	const removeFixture = () => rmSync(dir, { recursive: true, force: true });
	const interrupted = () => {
		removeFixture();
		process.exit(130);
	};
	process.once("SIGINT", interrupted).once("SIGTERM", interrupted);
	const results = [];
	try {
		await makeFixture(root, dir);
		for (const guard of GUARDS) {
			const run = await runGuard(dir, guard);
			for (const [name, expectation] of Object.entries(guard.expect)) {
				let ok = !run.ok;
				try {
					ok &&= expectation(run.output, dir);
				} catch {
					ok = false;
				}
				const detail = run.ok ? `npm run ${guard.script} passed on the defect` : run.output;
				results.push({ name, ok, ms: run.ms, detail: ok ? undefined : detail });
			}
		}
	} catch (error) {
		// Setup broke: every guard not yet run fails, so the count of tests stays the same.
		const detail = String(error?.stack ?? error);
		const done = new Set(results.map((r) => r.name));
		for (const name of GUARDS.flatMap((guard) => Object.keys(guard.expect)).filter((n) => !done.has(n))) {
			results.push({ name, ok: false, ms: 0, detail });
		}
	} finally {
		removeFixture();
		process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
	}
	return results;
}
