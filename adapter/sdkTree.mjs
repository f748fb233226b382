// Finds the SDK build to run in the emulator and returns it as instance-tree nodes (rojoTree.mjs
// shape) for the harness's ServerStorage.PostHogSdk folder; driver.luau copies them into a world's
// ReplicatedStorage, where a game has them.
//   model: dist/PostHog.rbxmx (`npm run build`), one self-contained ModuleScript named PostHog
//   test:  out-test/ (`npm test` compiles it), the SDK without its specs, plus the roblox-ts
//          runtime and the two runtime packages under rbxts_include, as src/__tests__/support/sdk.ts does
//   auto:  whichever of the two was built last
import fs from "node:fs";
import path from "node:path";
import { readRobloxXmlFile } from "../test/runner/rbxmx.mjs";
import { findNode, fromProject } from "../test/runner/rojoTree.mjs";

const MODEL = "dist/PostHog.rbxmx";
const TEST_BUILD = "out-test/init.luau";
const RUNTIME_PACKAGES = ["services", "t"];
const TEST_ONLY = new Set(["__tests__", "jest.config", "jestSetup"]);

function modelNodes(root) {
	const [module] = readRobloxXmlFile(path.join(root, MODEL));
	if (module?.name !== "PostHog" || module.className !== "ModuleScript") {
		throw new Error(`${MODEL} does not hold a ModuleScript named PostHog`);
	}
	return [module];
}

function testBuildNodes(root) {
	const tree = fromProject(path.join(root, "test.project.json"));
	const replicatedStorage = tree.children.find((node) => node.name === "ReplicatedStorage");
	const sdk = replicatedStorage.children.find((node) => node.name === "PostHog");
	sdk.children = sdk.children.filter((node) => !TEST_ONLY.has(node.name));
	const include = replicatedStorage.children.find((node) => node.name === "rbxts_include");
	const scope = findNode(include, (node) => node.name === "@rbxts");
	const runtime = {
		name: "rbxts_include",
		className: "Folder",
		children: [
			...include.children.filter((node) => node.name === "RuntimeLib" || node.name === "Promise"),
			{
				name: "node_modules",
				className: "Folder",
				children: [
					{
						name: "@rbxts",
						className: "Folder",
						children: scope.children.filter((node) => RUNTIME_PACKAGES.includes(node.name)),
					},
				],
			},
		],
	};
	return [sdk, runtime];
}

/** Whether the build's server API has PostHog:GetFeatureFlag (the flags issue adds it). */
function hasFlagsApi(nodes) {
	const stack = [...nodes];
	while (stack.length > 0) {
		const node = stack.pop();
		if (node.name === "PostHogServer" && node.source?.includes("function PostHogServer:GetFeatureFlag(")) return true;
		stack.push(...node.children);
	}
	return false;
}

function modifiedAt(file) {
	return fs.existsSync(file) ? fs.statSync(file).mtimeMs : undefined;
}

/**
 * @param {string} root the repository root
 * @param {"auto" | "model" | "test"} which
 * @returns {{ kind: "model" | "test", label: string, nodes: object[], hasFlags: boolean }}
 */
export function loadSdkTree(root, which = "auto") {
	const modelTime = modifiedAt(path.join(root, MODEL));
	const testTime = modifiedAt(path.join(root, TEST_BUILD));
	let kind = which;
	if (kind === "auto")
		kind = modelTime !== undefined && (testTime === undefined || modelTime >= testTime) ? "model" : "test";
	if (kind === "model") {
		if (modelTime === undefined) throw new Error(`${MODEL} not found: run \`npm run build\``);
		const nodes = modelNodes(root);
		return {
			kind,
			label: `${MODEL} (built ${new Date(modelTime).toISOString()})`,
			nodes,
			hasFlags: hasFlagsApi(nodes),
		};
	}
	if (kind === "test") {
		if (testTime === undefined) throw new Error("out-test/ not found: run `npm run build:test` or `npm test`");
		const nodes = testBuildNodes(root);
		return {
			kind,
			label: `out-test/ (built ${new Date(testTime).toISOString()})`,
			nodes,
			hasFlags: hasFlagsApi(nodes),
		};
	}
	throw new Error(`unknown SDK build "${which}" (use auto, model or test)`);
}
