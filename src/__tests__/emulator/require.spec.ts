import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, Peer, World } from "../support/emulator";

// Creates ModuleScripts under ServerStorage from name -> source.
function modulesSource(modules: Record<string, string>): string {
	let source = `local ServerStorage = game:GetService("ServerStorage")\n`;
	for (const [name, body] of pairs(modules)) {
		source += `do local m = Instance.new("ModuleScript") m.Name = "${name}" m.Source = [==[${body}]==] m.Parent = ServerStorage end\n`;
	}
	return source;
}

describe("require", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	function run(modules: Record<string, string>, source: string) {
		server.runSource(`${modulesSource(modules)}\nlocal ServerStorage = game:GetService("ServerStorage")\n${source}`);
	}

	function requireError(modules: Record<string, string>, name: string): unknown {
		run(modules, `_G.ok, _G.err = pcall(require, ServerStorage.${name})`);
		expect(server.G.ok).toBe(false);
		return server.G.err;
	}

	it("returns the module's value", () => {
		run({ Answer: `return 42` }, `_G.value = require(ServerStorage.Answer)`);
		expect(server.G.value).toBe(42);
	});

	it("runs a module once and returns the same value to every caller", () => {
		run(
			{ Counter: `_G.runs = (_G.runs or 0) + 1 return {}` },
			`_G.same = require(ServerStorage.Counter) == require(ServerStorage.Counter)`,
		);
		expect(server.G.same).toBe(true);
		expect(server.G.runs).toBe(1);
	});

	it("keeps a separate module cache per peer", () => {
		server.runSource(`
local m = Instance.new("ModuleScript")
m.Name = "Shared"
m.Source = "_G.loads = (_G.loads or 0) + 1 return {}"
m.Parent = game:GetService("ReplicatedStorage")
require(m)`);
		const client = world.joinPlayer();
		client.runSource(`require(game.ReplicatedStorage.Shared)`);
		expect(server.G.loads).toBe(1);
		expect(client.G.loads).toBe(1);
	});

	it("sets script to the ModuleScript inside the module", () => {
		run({ Self: `return script.Name` }, `_G.value = require(ServerStorage.Self)`);
		expect(server.G.value).toBe("Self");
	});

	it("raises 'required recursively' where a module requires itself through another module", () => {
		run(
			{
				A: `return require(script.Parent.B)`,
				B: `local ok, err = pcall(require, script.Parent.A) _G.inner = err return true`,
			},
			`_G.value = require(ServerStorage.A)`,
		);
		expect(server.G.inner).toMatch("Requested module was required recursively");
		expect(server.G.value).toBe(true);
	});

	it("raises 'experienced an error while loading' for the outer require of a recursive chain", () => {
		expect(requireError({ A: `return require(script.Parent.B)`, B: `return require(script.Parent.A)` }, "A")).toMatch(
			"Requested module experienced an error while loading",
		);
	});

	it("makes a second thread wait for a module that is still loading", () => {
		run(
			{ Slow: `task.wait(1) return "loaded"` },
			`task.spawn(function() _G.first = require(ServerStorage.Slow) end)
task.spawn(function() _G.second = require(ServerStorage.Slow) end)`,
		);
		world.runFor(2);
		expect(server.G.first).toBe("loaded");
		expect(server.G.second).toBe("loaded");
	});

	it("raises 'experienced an error while loading' for a module that errors", () => {
		expect(requireError({ Broken: `error("boom")` }, "Broken")).toMatch(
			"Requested module experienced an error while loading",
		);
	});

	it("raises again when a module that errored is required a second time", () => {
		run(
			{ Broken: `error("boom")` },
			`pcall(require, ServerStorage.Broken)
_G.ok, _G.err = pcall(require, ServerStorage.Broken)`,
		);
		expect(server.G.ok).toBe(false);
		expect(server.G.err).toMatch("Requested module experienced an error while loading");
	});

	it("raises for a module with a syntax error", () => {
		expect(requireError({ Bad: `return (` }, "Bad")).toMatch("Requested module experienced an error while loading");
	});

	it("raises for a module that returns nothing", () => {
		expect(requireError({ Empty: `local x = 1` }, "Empty")).toMatch("Module code did not return exactly one value");
	});

	it("raises for a module that returns two values", () => {
		expect(requireError({ Two: `return 1, 2` }, "Two")).toMatch("Module code did not return exactly one value");
	});

	it("raises for something other than a ModuleScript", () => {
		server.runSource(`_G.ok, _G.err = pcall(function() return require(workspace) end)`);
		expect(server.G.ok).toBe(false);
		expect(server.G.err).toBe("ServerScriptService.Main:1: Attempted to call require with invalid argument(s).");
	});
});
