// Closing: game:BindToClose (world.shutdownServer runs the callbacks with Roblox's 30 s budget) and
// PostHog:Shutdown. Everything left is sent in parallel batches, retried at once rather than after a
// backoff, within 25 s (5 s in Studio); Shutdown yields until done and then stops every timer.
import { describe, expect, it } from "@rbxts/jest-globals";
import { CapturedEvent, ScriptedResponse } from "../support/fakePostHog";
import { specOptions, useServerSpec } from "../support/serverSpec";

type Props = Record<string, unknown>;

function props(event: CapturedEvent): Props {
	return event.properties ?? {};
}

describe("closing the server", () => {
	const spec = useServerSpec();

	function captureNumbered(count: number) {
		for (let i = 1; i <= count; i++) spec.PostHog.Capture(`user-${i % 7}`, `e${i}`);
	}

	function deliveredUuids(): Set<string> {
		return new Set(spec.delivered().map((event) => event.uuid!));
	}

	describe("BindToClose", () => {
		it("captures server_shutdown for the server with player_count and uptime_seconds", () => {
			spec.init({ captureLifecycleEvents: true });
			spec.world.runFor(125.4);
			spec.world.shutdownServer(spec.server);
			const shutdown = spec.delivered().filter((event) => event.event === "server_shutdown");
			expect(shutdown.size()).toBe(1);
			expect(shutdown[0].distinct_id).toBe("server");
			expect(props(shutdown[0]).uptime_seconds).toBe(125);
			expect(props(shutdown[0]).player_count).toBe(0);
			expect(props(shutdown[0]).$process_person_profile).toBe(false);
		});

		it("counts the players still connected when the server closes", () => {
			spec.world.joinPlayer();
			spec.world.joinPlayer();
			spec.world.runFor(0.5);
			spec.init({ captureLifecycleEvents: true });
			spec.server.runSource(`
game:BindToClose(function()
	_G.playersAtClose = #game:GetService("Players"):GetPlayers()
end)`);
			spec.world.shutdownServer(spec.server);
			const shutdown = spec.delivered().filter((event) => event.event === "server_shutdown");
			expect(props(shutdown[0]).player_count).toBe(spec.server.G.playersAtClose);
		});

		it("captures no server_shutdown when captureLifecycleEvents is false", () => {
			spec.init({ captureLifecycleEvents: false });
			captureNumbered(1);
			spec.world.shutdownServer(spec.server);
			expect(spec.deliveredNames()).toEqual(["e1"]);
		});

		it("sends every queued event before the server stops", () => {
			spec.init({ flushAt: 1000, maxQueueSize: 1000 });
			captureNumbered(230);
			const result = spec.world.shutdownServer(spec.server);
			expect(result.completed).toBe(true);
			expect(deliveredUuids().size()).toBe(230);
		});

		it("sends batches in parallel", () => {
			spec.init({ flushAt: 1000 });
			captureNumbered(200);
			spec.fake.script("batch", [{ delaySeconds: 2 }, { delaySeconds: 2 }, { delaySeconds: 2 }, { delaySeconds: 2 }]);
			const result = spec.world.shutdownServer(spec.server);
			expect(spec.batchRequests().size()).toBe(4);
			for (const request of spec.batchRequests()) expect(request.receivedAt).toBe(spec.batchRequests()[0].receivedAt);
			expect(result.seconds < 3).toBe(true);
		});

		it("retries failed batches at once instead of waiting out a backoff", () => {
			spec.init();
			captureNumbered(5);
			spec.fake.script("batch", [{ status: 503 }, { status: 503 }, { status: 503 }]);
			const result = spec.world.shutdownServer(spec.server);
			expect(deliveredUuids().size()).toBe(5);
			// A normal flush would have waited about 1 + 2 + 4 s between these attempts.
			expect(result.seconds < 1).toBe(true);
		});

		it("ignores a backoff that was already running when the server closes", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 503 }, { status: 503 }, { status: 503 }]);
			captureNumbered(3);
			spec.PostHog.Flush();
			spec.world.runFor(1.3);
			const result = spec.world.shutdownServer(spec.server);
			expect(deliveredUuids().size()).toBe(3);
			expect(result.seconds < 1).toBe(true);
		});

		it("sends everything while PostHog fails intermittently", () => {
			// Small batches, so several go out at once (the fake's records stay under luau-web's 1 MiB).
			spec.init({ flushAt: 1000, maxBatchSize: 10, captureLifecycleEvents: true });
			captureNumbered(100);
			const failures: ScriptedResponse[] = [
				{ status: 503 },
				{ reset: true },
				{ status: 200 },
				{ status: 500 },
				{ status: 429, headers: { "retry-after": "10" } },
				{ timeout: true },
				{ status: 200 },
				{ status: 502 },
				{ reset: true },
				{ status: 200 },
				{ status: 504 },
			];
			spec.fake.script("batch", failures);
			const result = spec.world.shutdownServer(spec.server);
			expect(result.completed).toBe(true);
			expect(result.seconds <= 25).toBe(true);
			const names = spec.deliveredNames();
			const captured = names.filter((name) => name.sub(1, 1) === "e");
			// Each of the 100 captured events exactly once.
			expect(captured.size()).toBe(100);
			expect(new Set(captured).size()).toBe(100);
			expect(spec.deliveredNames().includes("server_shutdown")).toBe(true);
		});

		it("sends events captured while the shutdown flush is running", () => {
			spec.init();
			captureNumbered(2);
			spec.fake.script("batch", [{ delaySeconds: 1 }]);
			spec.server.runSource(`
game:BindToClose(function()
	task.wait(0.5)
	_G.captureLate()
end)`);
			spec.server.G.captureLate = () => spec.PostHog.Capture(undefined, "late");
			spec.world.shutdownServer(spec.server);
			expect(spec.deliveredNames().includes("late")).toBe(true);
		});

		it("gives up after 25 s when PostHog never answers", () => {
			spec.init();
			captureNumbered(3);
			spec.fake.script("batch", [{ timeout: true }, { timeout: true }, { timeout: true }, { timeout: true }]);
			const result = spec.world.shutdownServer(spec.server);
			expect(result.completed).toBe(true);
			expect(result.seconds >= 24.9).toBe(true);
			expect(result.seconds <= 25.5).toBe(true);
		});

		it("sends nothing and returns at once when the queue is empty", () => {
			spec.init();
			const result = spec.world.shutdownServer(spec.server);
			expect(spec.batchRequests().size()).toBe(0);
			expect(result.seconds < 0.5).toBe(true);
		});

		it("sends even when the HTTP budget is spent", () => {
			spec.init({ maxRequestsPerMinute: 1, maxBatchSize: 1, flushAt: 1000 });
			captureNumbered(6);
			spec.PostHog.Flush();
			spec.world.runFor(1);
			const result = spec.world.shutdownServer(spec.server);
			expect(spec.delivered().size()).toBe(6);
			expect(result.seconds < 1).toBe(true);
		});
	});

	describe("Shutdown", () => {
		/** Runs PostHog:Shutdown(timeout) in a server thread; G.shutdownDone is set when it returns. */
		function shutdownInThread(timeout?: number) {
			spec.server.spawn(() => {
				spec.PostHog.Shutdown(timeout);
				spec.server.G.shutdownDone = spec.world.now();
			});
		}

		it("yields until the queue is sent", () => {
			spec.init();
			captureNumbered(3);
			spec.fake.script("batch", [{ delaySeconds: 2 }]);
			shutdownInThread();
			spec.world.runFor(1);
			expect(spec.server.G.shutdownDone).toBe(undefined);
			spec.world.runFor(2);
			expect(spec.server.G.shutdownDone).toBeCloseTo(2, 1);
			expect(spec.delivered().size()).toBe(3);
		});

		it("returns after its timeout when PostHog does not answer", () => {
			spec.init();
			captureNumbered(3);
			spec.fake.script("batch", [{ timeout: true }, { timeout: true }]);
			shutdownInThread(3);
			spec.world.runFor(10);
			expect(spec.server.G.shutdownDone).toBeCloseTo(3, 0);
		});

		it("makes no request afterwards, however long the server runs", () => {
			spec.init({ flushIntervalSeconds: 1 });
			captureNumbered(3);
			spec.fake.script("batch", [{ timeout: true }, { timeout: true }]);
			shutdownInThread(2);
			spec.world.runFor(5);
			const before = spec.batchRequests().size();
			spec.world.runFor(300);
			expect(spec.batchRequests().size()).toBe(before);
		});

		it("stops the SDK: IsInitialized is false and later calls warn and send nothing", () => {
			spec.init({ flushIntervalSeconds: 1 });
			shutdownInThread();
			spec.world.runFor(1);
			expect(spec.PostHog.IsInitialized()).toBe(false);
			spec.PostHog.Capture(undefined, "after");
			spec.world.runFor(10);
			expect(spec.batchRequests().size()).toBe(0);
		});

		it("sends nothing more when the server closes after Shutdown", () => {
			spec.init({ captureLifecycleEvents: true });
			captureNumbered(2);
			shutdownInThread();
			spec.world.runFor(1);
			const before = spec.batchRequests().size();
			spec.world.shutdownServer(spec.server);
			expect(spec.batchRequests().size()).toBe(before);
		});

		it("lets Init start the SDK again", () => {
			spec.init();
			captureNumbered(1);
			shutdownInThread();
			spec.world.runFor(1);
			spec.PostHog.Init(specOptions(spec.fake, { flushAt: 1 }));
			expect(spec.PostHog.IsInitialized()).toBe(true);
			spec.PostHog.Capture(undefined, "again");
			spec.world.runFor(1);
			expect(spec.deliveredNames()).toEqual(["e1", "again"]);
		});

		it("uses the new configuration after Init runs again", () => {
			spec.init({ serverDistinctId: "first" });
			shutdownInThread();
			spec.world.runFor(1);
			spec.PostHog.Init(specOptions(spec.fake, { serverDistinctId: "second" }));
			spec.PostHog.Capture(undefined, "again");
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect(spec.delivered()[0].distinct_id).toBe("second");
		});

		it("captures one server_shutdown when the server closes after Init ran again", () => {
			spec.init({ captureLifecycleEvents: true });
			shutdownInThread();
			spec.world.runFor(1);
			spec.PostHog.Init(specOptions(spec.fake, { captureLifecycleEvents: true }));
			spec.world.shutdownServer(spec.server);
			expect(
				spec
					.deliveredNames()
					.filter((name) => name === "server_shutdown")
					.size(),
			).toBe(1);
		});
	});
});

describe("BindToClose in Studio", () => {
	const studio = useServerSpec({ server: { studio: true } });

	it("gives up after 5 s when PostHog never answers", () => {
		studio.init();
		studio.PostHog.Capture(undefined, "e1");
		studio.fake.script("batch", [{ timeout: true }, { timeout: true }]);
		const result = studio.world.shutdownServer(studio.server);
		expect(result.seconds >= 4.9).toBe(true);
		expect(result.seconds <= 5.5).toBe(true);
	});
});
