// One version number: package.json's. Writes it into src/version.ts (the SDK's $lib_version) and
// wally.toml. `--check` writes nothing and exits 1 when either file disagrees (CI).
// Runs in the current directory (npm runs scripts from the package root).
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const VERSION_TS = "src/version.ts";
const WALLY_TOML = "wally.toml";
const WALLY_VERSION_LINE = /^version\s*=\s*"[^"]*"/m;

const versionTs = (version) =>
	`// Generated from package.json by scripts/syncVersion.mjs (npm run version:sync): do not edit.\n` +
	`export const SDK_VERSION = "${version}";\n`;

function expectedFiles(version) {
	const wally = existsSync(WALLY_TOML) ? readFileSync(WALLY_TOML, "utf8") : "";
	if (!WALLY_VERSION_LINE.test(wally)) throw new Error(`${WALLY_TOML} has no [package] version line`);
	return {
		[VERSION_TS]: versionTs(version),
		[WALLY_TOML]: wally.replace(WALLY_VERSION_LINE, `version = "${version}"`),
	};
}

const { version } = JSON.parse(readFileSync("package.json", "utf8"));
const check = process.argv.includes("--check");
let stale = 0;
for (const [path, text] of Object.entries(expectedFiles(version))) {
	const current = existsSync(path) ? readFileSync(path, "utf8") : undefined;
	if (current === text) continue;
	if (check) {
		stale++;
		console.error(`${path} does not carry version ${version} from package.json`);
	} else {
		writeFileSync(path, text);
		console.log(`${path} -> ${version}`);
	}
}
if (stale > 0) {
	console.error("Run `npm run version:sync` (or bump with `npm version`) and commit the result.");
	process.exit(1);
}
