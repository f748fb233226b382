// HttpService failures that are Roblox's, not PostHog's: HTTP requests turned off for the experience,
// and Roblox's own 500-requests-a-minute limit (platform.md §1.3-1.5).
import { describe, expect, it } from "@rbxts/jest-globals";
import { linesWith, setHttpEnabled, useServerSpec } from "../support/serverSpec";

describe("HTTP requests turned off", () => {
	const spec = useServerSpec({ shared: true, server: { httpEnabled: false } });

	function captureNumbered(from: number, to: number) {
		for (let i = from; i <= to; i++) spec.PostHog.Capture("user-1", `e${i}`);
	}

	it("writes one error that says how to turn HTTP requests on", () => {
		spec.init({ flushIntervalSeconds: 5 });
		captureNumbered(1, 3);
		spec.PostHog.Flush();
		spec.world.runFor(60);
		const lines = linesWith(spec.warnings(), "HTTP requests are not enabled");
		expect(lines.size()).toBe(1);
		expect(lines[0]).toContain("Allow HTTP Requests");
		expect(lines[0]).toContain("HttpEnabled = true");
	});

	it("writes the error once however many flushes fail", () => {
		spec.init({ flushAt: 1, flushIntervalSeconds: 1 });
		captureNumbered(1, 20);
		for (let i = 0; i < 5; i++) spec.PostHog.Flush();
		spec.world.runFor(30);
		expect(spec.warnings().size()).toBe(1);
	});

	it("sends the kept events once HTTP requests are turned on", () => {
		spec.init({ flushIntervalSeconds: 5 });
		captureNumbered(1, 3);
		spec.PostHog.Flush();
		spec.world.runFor(12);
		setHttpEnabled(spec.server, true);
		spec.world.runFor(6);
		expect(spec.deliveredNames()).toEqual(["e1", "e2", "e3"]);
	});

	it("keeps only the newest maxQueueSize events while requests are off", () => {
		spec.init({ flushIntervalSeconds: 5, maxQueueSize: 4, flushAt: 2 });
		captureNumbered(1, 10);
		spec.world.runFor(12);
		setHttpEnabled(spec.server, true);
		spec.world.runFor(6);
		expect(spec.deliveredNames()).toEqual(["e7", "e8", "e9", "e10"]);
	});

	it("sends events captured after requests were turned on", () => {
		spec.init({ flushIntervalSeconds: 5 });
		captureNumbered(1, 1);
		spec.PostHog.Flush();
		spec.world.runFor(1);
		setHttpEnabled(spec.server, true);
		spec.world.runFor(5);
		captureNumbered(2, 2);
		spec.PostHog.Flush();
		spec.world.runFor(1);
		expect(spec.deliveredNames()).toEqual(["e1", "e2"]);
	});

	it("drops no event for having failed while requests were off", () => {
		spec.init({ flushIntervalSeconds: 1, maxRetries: 0 });
		captureNumbered(1, 2);
		spec.world.runFor(30);
		setHttpEnabled(spec.server, true);
		spec.world.runFor(2);
		expect(spec.deliveredNames()).toEqual(["e1", "e2"]);
	});
});

describe("Roblox's request limit", () => {
	const spec = useServerSpec();

	/** The game spends Roblox's 500 requests a minute on its own calls (to a host that fails fast). */
	function gameSpendsTheLimit() {
		spec.server.runSource(`
local HttpService = game:GetService("HttpService")
_G.gameRequests = 0
for _ = 1, 500 do
	task.spawn(function()
		pcall(HttpService.RequestAsync, HttpService, { Url = "http://game-backend.invalid/", Method = "GET" })
		_G.gameRequests += 1
	end)
end`);
		spec.world.runFor(0.1);
		expect(spec.server.G.gameRequests).toBe(500);
	}

	it("retries a batch refused with Number of requests exceeded limit until it is delivered, beyond maxRetries", () => {
		spec.init({ maxRetries: 1 });
		gameSpendsTheLimit();
		spec.PostHog.Capture("user-1", "clicked");
		spec.PostHog.Flush();
		spec.world.runFor(120);
		expect(spec.deliveredNames()).toEqual(["clicked"]);
	});

	it("waits out a backoff before retrying after the limit", () => {
		spec.init({ maxRetries: 10, logLevel: "info" });
		gameSpendsTheLimit();
		spec.PostHog.Capture("user-1", "clicked");
		spec.PostHog.Flush();
		spec.world.runFor(0.5);
		const retries = linesWith(
			spec.server.output.map((entry) => entry.text),
			"Number of requests exceeded limit",
		);
		expect(retries.size()).toBe(1);
		expect(retries[0]).toContain("retrying in");
		spec.world.runFor(0.2);
		expect(spec.batchRequests().size()).toBe(0);
	});

	it("makes no request to PostHog until the game's minute has passed", () => {
		spec.init({ maxRetries: 10 });
		gameSpendsTheLimit();
		spec.PostHog.Capture("user-1", "clicked");
		spec.PostHog.Flush();
		spec.world.runFor(120);
		const requests = spec.batchRequests();
		expect(requests.size()).toBe(1);
		expect(requests[0].receivedAt >= 60).toBe(true);
	});
});
