import { afterEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, World } from "../support/emulator";

describe("the world clock", () => {
	let world: World;
	afterEach(() => world.destroy());

	it("does not move until the spec advances it", () => {
		world = createWorld();
		const server = world.startServer();
		server.runSource(`task.wait(5) _G.after = os.clock()`);
		expect(server.G.after).toBe(undefined);
		world.runFor(4.9);
		expect(server.G.after).toBe(undefined);
		world.runFor(0.2);
		expect(server.G.after).toBeCloseTo(5, 1);
	});

	it("drives task.delay, DateTime and os.time from the same clock", () => {
		world = createWorld({ epochMillis: 1_700_000_000_000 });
		const server = world.startServer();
		server.runSource(
			`task.delay(2, function() _G.millis = DateTime.now().UnixTimestampMillis _G.time = os.time() end)`,
		);
		world.runFor(3);
		expect(server.G.millis).toBe(1_700_000_002_000);
		expect(server.G.time).toBe(1_700_000_002);
	});

	it("reports an unhandled error through ScriptContext.Error with the script", () => {
		world = createWorld();
		const server = world.startServer();
		server.runSource(
			`local seen = {}
_G.seen = seen
game:GetService("ScriptContext").Error:Connect(function(message, trace, script)
	table.insert(seen, { message = message, trace = trace, script = script and script.Name })
end)
task.delay(1, function()
	local function explode() error("boom") end
	explode()
end)`,
		);
		world.runFor(2);
		const seen = server.G.seen as Array<{ message: string; trace: string; script: string }>;
		expect(seen.size()).toBe(1);
		expect(seen[0].message).toBe("ServerScriptService.Main:7: boom");
		expect(seen[0].script).toBe("Main");
		expect(seen[0].trace).toMatch("ServerScriptService.Main:7");
	});
});
