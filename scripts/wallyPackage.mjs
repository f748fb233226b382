// The Wally package, laid out as `wally package` zips it: wally.toml, default.project.json (its `name`
// already rewritten to the package name, as Wally does on publish), README.md, and the self-contained
// model build: out/ (.luau only) and include/ (the roblox-ts runtime plus the runtime dependencies from
// package.json, vendored under include/node_modules/@rbxts). `wally publish` runs in that directory.
import fs from "node:fs";
import path from "node:path";
import AdmZip from "adm-zip";

const LUAU = /\.luau?$/;
const KEPT_ALONGSIDE = /^(LICEN[CS]E|COPYING)/i;

/** Scope, name, version and realm from the text of a wally.toml ([package] table). */
export function parseWallyManifest(text) {
	const field = (key) => new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, "m").exec(text)?.[1];
	const [scope, name] = (field("name") ?? "").split("/");
	if (!scope || !name) throw new Error(`wally.toml: [package] name must be "scope/name"`);
	return { scope, name, version: field("version"), realm: field("realm") };
}

/** Copies the Luau files of `from` (and license files) into `to`, keeping the directory layout. */
function copyLuau(from, to) {
	for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
		const source = path.join(from, entry.name);
		const target = path.join(to, entry.name);
		if (entry.isDirectory()) copyLuau(source, target);
		else if (LUAU.test(entry.name) || KEPT_ALONGSIDE.test(entry.name)) {
			fs.mkdirSync(to, { recursive: true });
			fs.copyFileSync(source, target);
		}
	}
}

/** The runtime dependencies: package.json `dependencies`, all @rbxts packages. */
export function runtimeDependencies(root) {
	const { dependencies = {} } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
	return Object.keys(dependencies).map((name) => {
		if (!name.startsWith("@rbxts/")) throw new Error(`runtime dependency ${name} is not an @rbxts package`);
		return name.slice("@rbxts/".length);
	});
}

export function writeWallyPackage({ root, modelOut, modelInclude, into }) {
	const manifest = parseWallyManifest(fs.readFileSync(path.join(root, "wally.toml"), "utf8"));
	fs.rmSync(into, { recursive: true, force: true });
	fs.mkdirSync(into, { recursive: true });
	fs.copyFileSync(path.join(root, "wally.toml"), path.join(into, "wally.toml"));
	fs.copyFileSync(path.join(root, "README.md"), path.join(into, "README.md"));
	const project = { name: manifest.name, tree: { $path: "out", include: { $path: "include" } } };
	fs.writeFileSync(path.join(into, "default.project.json"), JSON.stringify(project, null, 2));
	copyLuau(modelOut, path.join(into, "out"));
	copyLuau(modelInclude, path.join(into, "include"));
	for (const name of runtimeDependencies(root)) {
		copyLuau(path.join(root, "node_modules/@rbxts", name), path.join(into, "include/node_modules/@rbxts", name));
	}
	return manifest;
}

/** Zips a directory's contents (directory entries included, "/" separators), as `wally package` does. */
export function zipDirectory(dir, zipFile) {
	const zip = new AdmZip();
	const walk = (relative) => {
		const entries = fs.readdirSync(path.join(dir, relative), { withFileTypes: true });
		for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
			const name = relative ? `${relative}/${entry.name}` : entry.name;
			if (entry.isDirectory()) {
				zip.addFile(`${name}/`, Buffer.alloc(0));
				walk(name);
			} else {
				zip.addFile(name, fs.readFileSync(path.join(dir, name)));
			}
		}
	};
	walk("");
	zip.writeZip(zipFile);
	fs.chmodSync(zipFile, 0o644);
}
