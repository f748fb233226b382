// The Luau code blocks of README.md and docs/*.md, run against the SDK (test/runner/docBlocks.mjs
// extracts them; the convention is in docs/architecture.md). Each block runs in its own world with a
// fake PostHog: a complete server Script, a snippet inside a PlayerAdded handler after Init, or a
// LocalScript on a player's client. It passes when no peer raised an error and the SDK wrote no
// warning. Fragments only have to compile.

import { describe, expect, it } from "@rbxts/jest-globals";
import { ClientPeer, createWorld, Peer, World } from "../support/emulator";
import { FakePostHog } from "../support/fakePostHog";
import { sdkProblems } from "../support/relayWorld";
import { PostHogApi, startSdkServer } from "../support/sdk";

interface DocBlock {
	/** "docs/capturing.md:12": the file and the line of the block's first line. */
	origin: string;
	/** The doc line of the block's first line. */
	line: number;
	mode: "server" | "snippet" | "client" | "fragment";
	source: string;
}

/** What test/runner/docBlocks.mjs builds. */
interface DocBlocks {
	/** The key placeholders became. */
	projectKey: string;
	/** Written in blocks where the host goes; replaced by the fake's url. */
	hostPlaceholder: string;
	blocks: DocBlock[];
}

/** World seconds a block runs before the player leaves, and after. */
const RUN_SECONDS = 3;
const AFTER_LEAVE_SECONDS = 1;

/** Luau's loadstring (the harness has it: jest loads specs with it); @rbxts/types does not declare it. */
declare function loadstring(source: string, chunkName?: string): LuaTuple<[Callback | undefined, string | undefined]>;

function loadBlocks(): DocBlocks {
	const module = game.GetService("ServerStorage").FindFirstChild("BuiltArtifacts")?.FindFirstChild("DocBlocks");
	if (module === undefined || !module.IsA("ModuleScript")) {
		throw "the docs' code blocks were not extracted: run the docs spec through test/runner/test.mjs";
	}
	return require(module) as DocBlocks;
}

const docs = loadBlocks();

/** What a game's server Script does first: require the SDK and Init it with default options. */
function setupLines(host: string): string[] {
	return [
		`local Players = game:GetService("Players")`,
		`local ReplicatedStorage = game:GetService("ReplicatedStorage")`,
		`local PostHog = require(ReplicatedStorage:WaitForChild("PostHog"))`,
		`PostHog:Init({ apiKey = "${docs.projectKey}", host = "${host}" })`,
	];
}

/**
 * A snippet as a server Script: the setup and the handler's first line share line 1, so the block's
 * line n is the script's line n + 1.
 */
function snippetScript(source: string, host: string): string {
	const head = [...setupLines(host), `Players.PlayerAdded:Connect(function(player: Player)`].join("; ");
	return `${head}\n${source}\nend)\n`;
}

/** Error messages of every peer, and the SDK's warnings and errors. */
function problemsOf(peers: ReadonlyArray<Peer>): string[] {
	const problems = new Array<string>();
	for (const peer of peers) {
		for (const raised of peer.errors) problems.push(`${peer.name} error: ${raised.message}`);
		for (const line of sdkProblems(peer)) problems.push(`${peer.name}: ${line}`);
	}
	return problems;
}

/** Rewrites "<script path>.<name>:<line>:" in `text` as the doc's "<file>:<line>:". */
function docLocations(text: string, block: DocBlock, scriptName: string): string {
	const file = block.origin.match("^(.*):%d+$")[0] as string;
	// A snippet's script has the setup on its line 1, so the block starts on line 2.
	const firstScriptLine = block.mode === "snippet" ? 2 : 1;
	const [rewritten] = text.gsub(`[%w_%.]*${scriptName}:(%d+):`, (line: string) => {
		return `${file}:${block.line + tonumber(line)! - firstScriptLine}:`;
	});
	return rewritten;
}

function runBlock(block: DocBlock): string[] {
	let world: World | undefined;
	let fake: FakePostHog | undefined;
	try {
		world = createWorld();
		fake = FakePostHog.create();
		const source = block.source.split(docs.hostPlaceholder).join(fake.url);
		const { server, PostHog } = startSdkServer(world);
		const name = block.origin.gsub("[^%w]", "_")[0];
		let client: ClientPeer;
		if (block.mode === "client") {
			server.runSource(setupLines(fake.url).join("\n"), "PostHogSetup");
			world.runFor(0.5);
			client = world.joinPlayer();
			world.runFor(0.2);
			client.runSource(source, name);
		} else {
			server.runSource(block.mode === "snippet" ? snippetScript(source, fake.url) : source, name);
			world.runFor(0.5);
			client = world.joinPlayer();
		}
		world.runFor(RUN_SECONDS);
		world.removePlayer(client);
		world.runFor(AFTER_LEAVE_SECONDS);
		flush(PostHog);
		world.runFor(1);
		return problemsOf([server, client]).map((problem) => docLocations(problem, block, name));
	} finally {
		world?.destroy();
		fake?.close();
	}
}

function flush(PostHog: PostHogApi) {
	if (PostHog.IsInitialized()) PostHog.Flush();
}

describe("code blocks in README.md and docs/", () => {
	it("are found", () => {
		expect(docs.blocks.size()).never.toBe(0);
	});

	for (const block of docs.blocks) {
		if (block.mode === "fragment") {
			it(`${block.origin} (fragment) compiles`, () => {
				const [, problem] = loadstring(block.source, block.origin);
				expect(problem).toBeUndefined();
			});
		} else {
			it(`${block.origin} (${block.mode}) runs without errors or SDK warnings`, () => {
				expect(runBlock(block)).toEqual([]);
			});
		}
	}
});
