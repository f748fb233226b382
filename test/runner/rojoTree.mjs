// Builds an instance tree from a Rojo project file with Rojo 7's sync rules (the subset our projects use):
// directories become Folders, init scripts turn their directory into a script, *.server/*.client suffixes
// pick Script/LocalScript, *.txt becomes a StringValue, a directory holding default.project.json becomes
// that project (named by it), and project nodes add $className/$path/children.
// Node shape: { name, className, source?, value?, children: Node[] }
import fs from "node:fs";
import path from "node:path";

const SCRIPT_SUFFIXES = [
	[".server.luau", "Script"],
	[".server.lua", "Script"],
	[".client.luau", "LocalScript"],
	[".client.lua", "LocalScript"],
	[".luau", "ModuleScript"],
	[".lua", "ModuleScript"],
	[".txt", "StringValue"],
];
const INIT_NAMES = [
	"init.luau",
	"init.lua",
	"init.server.luau",
	"init.server.lua",
	"init.client.luau",
	"init.client.lua",
];

function classify(fileName) {
	for (const [suffix, className] of SCRIPT_SUFFIXES) {
		if (fileName.endsWith(suffix)) return { className, name: fileName.slice(0, -suffix.length) };
	}
	return undefined; // .d.ts, .json, .md, .tsbuildinfo, binaries: not part of the tree
}

function fileNode(filePath, name) {
	const kind = classify(path.basename(filePath));
	if (!kind) return undefined;
	const text = fs.readFileSync(filePath, "utf8");
	const node = { name: name ?? kind.name, className: kind.className, children: [] };
	if (kind.className === "StringValue") node.value = text;
	else node.source = text;
	return node;
}

function directoryNode(dirPath, name, ignored) {
	const entries = fs.readdirSync(dirPath).sort();
	const node = { name: name ?? path.basename(dirPath), className: "Folder", children: [] };
	const init = INIT_NAMES.find((n) => entries.includes(n));
	if (init) {
		node.className = classify(init).className;
		node.source = fs.readFileSync(path.join(dirPath, init), "utf8");
	}
	for (const entry of entries) {
		if (entry === init) continue;
		const full = path.join(dirPath, entry);
		if (ignored(full)) continue;
		const child = pathNode(full, undefined, ignored, true);
		if (child) node.children.push(child);
	}
	return node;
}

function pathNode(target, name, ignored, allowNestedProject) {
	const stat = fs.statSync(target);
	if (stat.isFile()) return fileNode(target, name);
	const nested = path.join(target, "default.project.json");
	if (allowNestedProject && fs.existsSync(nested)) {
		const node = fromProject(nested);
		if (name) node.name = name;
		return node;
	}
	return directoryNode(target, name, ignored);
}

function globToRegExp(glob) {
	const escaped = glob
		.replace(/[.+^${}()|[\]\\]/g, "\\$&")
		.replace(/\*\*\//g, "(.*/)?")
		.replace(/\*/g, "[^/]*");
	return new RegExp(`^${escaped}$`);
}

export function fromProject(projectFile, options = {}) {
	const base = path.dirname(path.resolve(projectFile));
	const project = JSON.parse(fs.readFileSync(projectFile, "utf8"));
	const patterns = (project.globIgnorePaths ?? []).map(globToRegExp);
	const ignored = (full) => patterns.some((re) => re.test(path.relative(base, full).split(path.sep).join("/")));
	const skipModels = options.onModelFile ?? (() => undefined);

	function build(name, desc) {
		let node;
		if (desc.$path) {
			const target = path.join(base, desc.$path);
			if (/\.rbxmx?$/.test(target)) node = skipModels(target, name) ?? { name, className: "Folder", children: [] };
			else if (!fs.existsSync(target)) throw new Error(`${projectFile}: $path ${desc.$path} does not exist`);
			else
				node = pathNode(target, name, ignored, path.resolve(target) !== base) ?? {
					name,
					className: "Folder",
					children: [],
				};
		} else {
			node = { name, className: desc.$className ?? "Folder", children: [] };
		}
		if (desc.$className) node.className = desc.$className;
		if (desc.$properties) node.properties = desc.$properties;
		for (const [key, child] of Object.entries(desc)) {
			if (key.startsWith("$")) continue;
			node.children = node.children.filter((c) => c.name !== key);
			node.children.push(build(key, child));
		}
		return node;
	}
	return build(project.name, project.tree);
}

export function findNode(node, predicate) {
	if (predicate(node)) return node;
	for (const child of node.children) {
		const found = findNode(child, predicate);
		if (found) return found;
	}
	return undefined;
}
