import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, Peer, World } from "../support/emulator";

describe("game:BindToClose", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	it("calls every bound function with the close reason", () => {
		server.runSource(`
_G.reasons = {}
for i = 1, 2 do
	game:BindToClose(function(reason) table.insert(_G.reasons, reason.Name) end)
end`);
		world.shutdownServer(server, Enum.CloseReason.ServerEmpty);
		expect(server.G.reasons).toEqual(["ServerEmpty", "ServerEmpty"]);
	});

	it("runs bound functions in parallel", () => {
		server.runSource(`
for i = 1, 3 do
	game:BindToClose(function() task.wait(5) end)
end`);
		const result = world.shutdownServer(server);
		expect(result.completed).toBe(true);
		expect(result.seconds).toBeGreaterThanOrEqual(5);
		expect(result.seconds).toBeLessThan(6);
	});

	it("waits for a bound function that yields until its work is done", () => {
		server.runSource(`
game:BindToClose(function()
	task.wait(12)
	_G.flushed = true
end)`);
		const result = world.shutdownServer(server);
		expect(result.completed).toBe(true);
		expect(server.G.flushed).toBe(true);
	});

	it("stops waiting after 30 seconds", () => {
		server.runSource(`
game:BindToClose(function()
	task.wait(60)
	_G.finished = true
end)`);
		const result = world.shutdownServer(server);
		expect(result.completed).toBe(false);
		expect(result.seconds).toBeCloseTo(30, 0);
		world.runFor(60);
		expect(server.G.finished).toBe(undefined);
	});

	it("stops the server's threads after the shutdown", () => {
		server.runSource(`_G.ticks = 0 while true do task.wait(1) _G.ticks += 1 end`);
		world.shutdownServer(server);
		const ticks = server.G.ticks;
		world.runFor(5);
		expect(server.dead).toBe(true);
		expect(server.G.ticks).toBe(ticks);
	});

	it("keeps running the other bound functions when one errors", () => {
		server.runSource(`
game:BindToClose(function() error("flush failed") end)
game:BindToClose(function() task.wait(1) _G.second = true end)`);
		const result = world.shutdownServer(server);
		expect(result.completed).toBe(true);
		expect(server.G.second).toBe(true);
		expect(server.errors.size()).toBe(1);
		expect(server.errors[0].message).toMatch("flush failed");
	});

	it("removes the connected players before the bound functions run", () => {
		server.runSource(`
_G.log = {}
game:GetService("Players").PlayerRemoving:Connect(function() table.insert(_G.log, "PlayerRemoving") end)
game:BindToClose(function() table.insert(_G.log, "BindToClose") end)`);
		world.joinPlayer();
		world.shutdownServer(server);
		expect(server.G.log).toEqual(["PlayerRemoving", "BindToClose"]);
	});

	it("raises when given something other than a function", () => {
		server.runSource(`_G.ok = pcall(function() game:BindToClose("nope") end)`);
		expect(server.G.ok).toBe(false);
	});
});
