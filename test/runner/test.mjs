// `npm test`: compile the SDK and its specs, run every spec with jest-roblox on luau-web inside the
// emulated engine, print jest's report and "N passed, N failed", exit non-zero on any failure.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runSpecs } from "./runSpecs.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const args = process.argv.slice(2);
const skipBuild = args.includes("--no-build");
const filters = args.filter((a) => !a.startsWith("--"));

const t0 = performance.now();
if (!skipBuild) {
	execFileSync("npx", ["rbxtsc", "-p", "tsconfig.test.json", "--rojo", "test.project.json", "--type", "game"], { cwd: root, stdio: "inherit" });
}
const buildMs = performance.now() - t0;
const result = await runSpecs({ root, filters });
console.log(`build ${(buildMs / 1000).toFixed(1)} s, specs ${(result.ms / 1000).toFixed(1)} s`);
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed > 0 || !result.ok ? 1 : 0);
