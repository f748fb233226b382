import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, Peer, World } from "../support/emulator";

describe("the task library", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	function log(source: string, seconds = 0): string[] {
		server.runSource(`_G.log = {}\nlocal function log(entry) table.insert(_G.log, entry) end\n${source}`);
		world.runFor(seconds);
		return server.G.log as string[];
	}

	it("runs task.spawn at once, before the caller continues", () => {
		expect(log(`task.spawn(function() log("spawned") end) log("caller")`)).toEqual(["spawned", "caller"]);
	});

	it("runs task.defer after the current thread, in the same step", () => {
		server.runSource(`_G.log = {}
task.defer(function() table.insert(_G.log, "deferred") end)
table.insert(_G.log, "caller")`);
		expect(server.G.log).toEqual(["caller", "deferred"]);
	});

	it("runs deferred threads in the order they were deferred", () => {
		expect(log(`for i = 1, 3 do task.defer(function() log(i) end) end`)).toEqual([1, 2, 3]);
	});

	it("resumes a spawned thread that yields only when its wait ends", () => {
		expect(
			log(
				`task.spawn(function() log("start") task.wait(1) log("end") end)
log("caller")`,
				0.5,
			),
		).toEqual(["start", "caller"]);
	});

	it("runs task.delay after the given world seconds with its arguments", () => {
		server.runSource(`task.delay(2, function(a, b) _G.args = { a, b } _G.at = os.clock() end, "x", 5)`);
		world.runFor(1.9);
		expect(server.G.args).toBe(undefined);
		world.runFor(0.2);
		expect(server.G.args).toEqual(["x", 5]);
		expect(server.G.at).toBeCloseTo(2, 1);
	});

	it("runs timers due at the same time in the order they were scheduled", () => {
		expect(log(`for i = 1, 3 do task.delay(1, function() log(i) end) end`, 1.5)).toEqual([1, 2, 3]);
	});

	it("returns the time actually waited from task.wait", () => {
		server.runSource(`_G.waited = task.wait(0.5)`);
		world.runFor(1);
		expect(server.G.waited).toBeGreaterThanOrEqual(0.5);
		expect(server.G.waited).toBeLessThan(0.55);
	});

	it("waits about one frame for task.wait()", () => {
		server.runSource(`_G.waited = task.wait()`);
		world.runFor(0.1);
		expect(server.G.waited).toBeCloseTo(1 / 60, 2);
	});

	it("returns the waited time and the elapsed time from the legacy wait()", () => {
		server.runSource(`_G.waited, _G.elapsed = wait(1)`);
		world.runFor(1.5);
		expect(server.G.waited).toBeCloseTo(1, 1);
		expect(server.G.elapsed).toBeCloseTo(1, 1);
	});

	it("stops a delayed thread with task.cancel", () => {
		expect(log(`local thread = task.delay(1, function() log("ran") end) task.cancel(thread)`, 2)).toEqual([]);
	});

	it("stops a waiting thread with task.cancel", () => {
		expect(
			log(
				`local thread = task.spawn(function() task.wait(1) log("woke") end)
task.delay(0.5, function() task.cancel(thread) end)`,
				2,
			),
		).toEqual([]);
	});

	it("raises when a thread cancels itself", () => {
		server.runSource(`_G.ok, _G.err = pcall(task.cancel, coroutine.running())`);
		expect(server.G.ok).toBe(false);
		expect(server.G.err).toMatch("cannot cancel thread");
	});

	it("passes arguments to a thread resumed by task.spawn", () => {
		server.runSource(`
local thread = coroutine.create(function(...) _G.first = ... end)
task.spawn(thread, "value")`);
		expect(server.G.first).toBe("value");
	});

	it("keeps running the caller when a spawned thread errors", () => {
		server.runSource(`task.spawn(function() error("inner") end) _G.after = true`);
		expect(server.G.after).toBe(true);
		expect(server.errors.size()).toBe(1);
	});
});

describe("RunService frame events", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	it("fires Heartbeat every frame with the frame's delta time", () => {
		server.runSource(`
_G.count = 0
game:GetService("RunService").Heartbeat:Connect(function(dt) _G.count += 1 _G.dt = dt end)`);
		world.runFor(1);
		expect(server.G.count).toBeGreaterThanOrEqual(59);
		expect(server.G.count).toBeLessThanOrEqual(61);
		expect(server.G.dt).toBeCloseTo(1 / 60, 3);
	});

	it("fires Stepped before Heartbeat in a frame", () => {
		server.runSource(`
_G.log = {}
local RunService = game:GetService("RunService")
local heartbeat = RunService.Heartbeat:Connect(function() table.insert(_G.log, "heartbeat") end)
local stepped = RunService.Stepped:Connect(function() table.insert(_G.log, "stepped") end)
task.delay(0.01, function() end)`);
		world.runFor(1 / 60 + 0.001);
		expect(server.G.log).toEqual(["stepped", "heartbeat"]);
	});

	it("stops calling a disconnected Heartbeat listener", () => {
		server.runSource(`
_G.count = 0
local connection
connection = game:GetService("RunService").Heartbeat:Connect(function()
	_G.count += 1
	if _G.count == 3 then connection:Disconnect() end
end)`);
		world.runFor(1);
		expect(server.G.count).toBe(3);
	});

	it("resumes Heartbeat:Wait() on the next frame", () => {
		server.runSource(`_G.dt = game:GetService("RunService").Heartbeat:Wait()`);
		world.runFor(0.1);
		expect(server.G.dt).toBeCloseTo(1 / 60, 2);
	});
});
