import { afterEach, describe, expect, it } from "@rbxts/jest-globals";
import { CONFIG_DEFAULTS } from "../../../core/config/PostHogConfig";
import { DrainResult, EventQueue } from "../../../core/delivery/EventQueue";
import { RequestBudget } from "../../../core/delivery/RequestBudget";
import { CapturedEvent } from "../../../core/events/CapturedEvent";
import { anEvent, aQueue, enqueueEvents, QueueSetup } from "../../support/builders";
import { FakePlatform, fakePlatform, FakeScheduler } from "../../support/fakePlatform";

const HTTP_DISABLED = "Http requests are not enabled. Enable via game settings";
/** Long enough that the interval timer never fires inside a spec that doesn't want it. */
const NO_INTERVAL = 3600;

/** A scheduler whose timers fire up to 50 ms early (at most half their delay), as a frame-driven engine's may. */
class EarlyScheduler extends FakeScheduler {
	delay(seconds: number, fn: () => void) {
		return super.delay(seconds - math.min(0.05, seconds / 2), fn);
	}
}

let current: QueueSetup | undefined;

/** aQueue, remembered so afterEach can check no fake thread raised. */
function setup(...args: Parameters<typeof aQueue>): QueueSetup {
	current = aQueue(...args);
	return current;
}

afterEach(() => {
	if (current !== undefined) expect(current.platform.scheduler.errors).toEqual([]);
	current = undefined;
});

function uuidsOf(events: ReadonlyArray<CapturedEvent>): Array<string> {
	return events.map((event) => event.uuid);
}

function requestTimes(platform: FakePlatform): Array<number> {
	return platform.http.requests.map((recorded) => recorded.at);
}

/** Runs drain in a fake thread and advances the clock until it returns (or `maxSeconds` pass). */
function drainFor(setupValue: QueueSetup, timeoutSeconds: number, maxSeconds = 120): DrainResult | undefined {
	let result: DrainResult | undefined;
	setupValue.platform.scheduler.spawn(() => {
		result = setupValue.queue.drain(timeoutSeconds);
	});
	for (let step = 0; step < maxSeconds * 20 && result === undefined; step++) {
		setupValue.platform.scheduler.advance(0.05);
	}
	return result;
}

describe("EventQueue", () => {
	describe("enqueue", () => {
		it("sends the event as given", () => {
			const { platform, queue } = setup();
			const event = anEvent({ properties: { level: 5, $lib: "posthog-roblox" } });
			queue.enqueue(event);
			queue.flush();
			expect(platform.http.body(0).batch).toEqual([event]);
		});

		it("reports the uuid of the last event it accepted", () => {
			const { queue } = setup();
			expect(queue.lastQueuedUuid()).toBeUndefined();
			const [first] = enqueueEvents(queue, 1);
			expect(queue.lastQueuedUuid()).toBe(first.uuid);
			queue.enqueue({ ...first, event: "duplicate" });
			expect(queue.lastQueuedUuid()).toBe(first.uuid);
		});

		it("drops an event JSON can't encode, alone, with a warning", () => {
			const { platform, queue } = setup();
			const poison = anEvent({ event: "poison" });
			poison.properties.self = poison.properties;
			const good = [anEvent(), anEvent()];
			queue.enqueue(good[0]);
			expect(queue.enqueue(poison)).toBe(false);
			queue.enqueue(good[1]);
			queue.flush();
			expect(platform.http.uuids(0)).toEqual(uuidsOf(good));
			expect(queue.getStats().dropped.encodeError).toBe(1);
			expect(platform.logOutput.containing('dropped event "poison": it could not be encoded as JSON').size()).toBe(1);
		});

		it("drops an event over 900 KiB once encoded, with a warning", () => {
			const { platform, queue } = setup();
			expect(queue.enqueue(anEvent({ event: "huge", properties: { blob: string.rep("x", 900 * 1024) } }))).toBe(false);
			expect(queue.getStats().dropped.tooLarge).toBe(1);
			expect(platform.logOutput.at("warn")[0].find('dropped event "huge"', 1, true)[0]).never.toBeUndefined();
		});

		it("drops an event whose uuid is already queued", () => {
			const { queue } = setup();
			const event = anEvent();
			queue.enqueue(event);
			expect(queue.enqueue({ ...event, event: "again" })).toBe(false);
			expect(queue.getStats().dropped.duplicate).toBe(1);
			expect(queue.size()).toBe(1);
		});
	});

	describe("beforeSend", () => {
		it("sends the event it returns", () => {
			const { platform, queue } = setup({
				beforeSend: (event) => ({ ...event, event: "renamed", properties: { ...event.properties, added: 1 } }),
			});
			queue.enqueue(anEvent({ properties: { kept: true } }));
			queue.flush();
			expect(platform.http.body(0).batch[0]).toMatchObject({ event: "renamed", properties: { kept: true, added: 1 } });
		});

		it("drops the event when it returns nil", () => {
			const { platform, queue } = setup({ beforeSend: () => undefined });
			expect(queue.enqueue(anEvent())).toBe(false);
			queue.flush();
			expect(platform.http.requests.size()).toBe(0);
			expect(queue.getStats().dropped.beforeSend).toBe(1);
		});

		it("drops the event with a warning naming the error when it raises", () => {
			const { platform, queue } = setup({ beforeSend: () => error("filter exploded", 0) });
			expect(queue.enqueue(anEvent({ event: "boom" }))).toBe(false);
			expect(queue.getStats().dropped.beforeSendError).toBe(1);
			expect(platform.logOutput.at("warn")).toEqual([
				'[PostHog] beforeSend raised an error, so event "boom" was dropped: filter exploded [BEFORE_SEND_ERROR]',
			]);
		});

		it("drops the event with a warning when it returns something that is not an event", () => {
			const INVALID: Array<unknown> = [5, "event", { event: "", distinct_id: "1" }, { event: "x" }];
			for (const returned of INVALID) {
				const { platform, queue } = setup({ beforeSend: () => returned as CapturedEvent });
				expect(queue.enqueue(anEvent())).toBe(false);
				expect(queue.getStats().dropped.invalidEvent).toBe(1);
				expect(platform.logOutput.at("warn").size()).toBe(1);
			}
		});

		it("sanitizes the properties it returns", () => {
			const { platform, queue } = setup({
				beforeSend: (event) => ({ ...event, properties: { score: 0 / 0, fn: () => 1 } }),
			});
			queue.enqueue(anEvent());
			queue.flush();
			expect(platform.http.body(0).batch[0].properties).toEqual({ score: "NaN" });
		});

		it("keeps the uuid and timestamp when it leaves them out", () => {
			const original = anEvent();
			const { platform, queue } = setup({
				beforeSend: (event) => ({ event: event.event, distinct_id: event.distinct_id }) as CapturedEvent,
			});
			queue.enqueue(original);
			queue.flush();
			expect(platform.http.body(0).batch[0]).toEqual({
				event: original.event,
				distinct_id: original.distinct_id,
				timestamp: original.timestamp,
				uuid: original.uuid,
			});
		});

		it("omits properties when none are left (JSONEncode would write [])", () => {
			const { platform, queue } = setup({ beforeSend: (event) => ({ ...event, properties: {} }) });
			queue.enqueue(anEvent());
			queue.flush();
			expect(platform.http.requests[0].request.body!.find('"properties"', 1, true)[0]).toBeUndefined();
		});
	});

	describe("bounds", () => {
		it("drops the oldest events past maxQueueSize", () => {
			const { platform, queue } = setup({ maxQueueSize: 3, flushAt: 100 });
			const events = enqueueEvents(queue, 5);
			queue.flush();
			expect(platform.http.uuids(0)).toEqual(uuidsOf(events).filter((_, index) => index >= 2));
			expect(queue.getStats().dropped.queueFull).toBe(2);
		});

		it("warns about drops at most once a minute, saying how many", () => {
			const { platform, queue } = setup({ maxQueueSize: 1, flushAt: 100, flushIntervalSeconds: NO_INTERVAL });
			enqueueEvents(queue, 50);
			expect(platform.logOutput.containing("queue reached maxQueueSize (1)").size()).toBe(1);
			platform.scheduler.advance(61);
			enqueueEvents(queue, 1);
			const lines = platform.logOutput.containing("queue reached maxQueueSize (1)");
			expect(lines.size()).toBe(2);
			expect(lines[1]).toBe(
				"[PostHog] queue reached maxQueueSize (1), so the oldest event was dropped (50 dropped so far) (48 similar message(s) suppressed since the previous one) [QUEUE_FULL]",
			);
		});

		it("drops the oldest events to stay under the byte bound", () => {
			const { platform, queue } = setup({ flushAt: 100, limits: { maxQueueBytes: 1000 } });
			const events = enqueueEvents(queue, 20);
			const stats = queue.getStats();
			expect(stats.pendingBytes <= 1000).toBe(true);
			expect(stats.dropped.queueBytes).toBe(20 - stats.pending);
			queue.flush();
			const sent = platform.http.uuids(0);
			expect(sent).toEqual(uuidsOf(events).filter((_, index) => index >= 20 - sent.size()));
		});

		it("keeps unsent events when the oldest are dropped while a batch is in flight", () => {
			const { platform, queue } = setup({ maxQueueSize: 4, maxBatchSize: 2, flushAt: 2 });
			platform.http.answer({ status: 200, afterSeconds: 5 });
			const events = enqueueEvents(queue, 5);
			expect(platform.http.requests.size()).toBe(1);
			platform.scheduler.advance(5);
			expect(platform.http.uuids(0)).toEqual([events[0].uuid, events[1].uuid]);
			expect(platform.http.uuids(1)).toEqual([events[3].uuid, events[4].uuid]);
			expect(queue.getStats()).toMatchObject({ sent: 4, pending: 0, dropped: { queueFull: 1 } });
		});

		it("keeps order across thousands of drops and sends", () => {
			const { platform, queue } = setup({ maxQueueSize: 300, flushAt: 100_000 });
			const events = enqueueEvents(queue, 2000);
			queue.flush();
			const sent = new Array<string>();
			platform.http.requests.forEach((_, index) => {
				for (const uuid of platform.http.uuids(index)) sent.push(uuid);
			});
			expect(sent).toEqual(uuidsOf(events).filter((_, index) => index >= 1700));
			expect(queue.getStats()).toMatchObject({ sent: 300, pending: 0, pendingBytes: 0 });
		});

		it("drops the new event when every pending event is in flight", () => {
			const { platform, queue } = setup({ maxQueueSize: 2, maxBatchSize: 2, flushAt: 2 });
			platform.http.answer({ status: 200, afterSeconds: 5 });
			const events = enqueueEvents(queue, 2);
			expect(queue.enqueue(anEvent())).toBe(false);
			platform.scheduler.advance(5);
			expect(platform.http.uuids(0)).toEqual(uuidsOf(events));
			expect(queue.getStats()).toMatchObject({ sent: 2, pending: 0, dropped: { queueFull: 1 } });
		});
	});

	describe("flushing", () => {
		it("sends nothing when the queue is empty", () => {
			const { platform, queue } = setup();
			queue.flush();
			platform.scheduler.advance(60);
			expect(platform.http.requests.size()).toBe(0);
		});

		it("flushes once flushAt events are queued", () => {
			const { platform, queue } = setup({ flushAt: 3 });
			enqueueEvents(queue, 2);
			expect(platform.http.requests.size()).toBe(0);
			enqueueEvents(queue, 1);
			expect(platform.http.uuids(0).size()).toBe(3);
		});

		it("flushes every flushIntervalSeconds", () => {
			const { platform, queue } = setup({ flushIntervalSeconds: 30 });
			enqueueEvents(queue, 1);
			platform.scheduler.advance(29.9);
			expect(platform.http.requests.size()).toBe(0);
			platform.scheduler.advance(0.1);
			expect(platform.http.requests.size()).toBe(1);
			enqueueEvents(queue, 1);
			platform.scheduler.advance(30);
			expect(platform.http.requests.size()).toBe(2);
		});

		it("flushes on demand", () => {
			const { platform, queue } = setup();
			enqueueEvents(queue, 1);
			queue.flush();
			expect(platform.http.requests.size()).toBe(1);
		});

		it("sends batches of at most maxBatchSize events, oldest first", () => {
			const { platform, queue } = setup({ maxBatchSize: 2, flushAt: 100 });
			const events = enqueueEvents(queue, 5);
			queue.flush();
			expect(platform.http.requests.map((_, index) => platform.http.uuids(index))).toEqual([
				[events[0].uuid, events[1].uuid],
				[events[2].uuid, events[3].uuid],
				[events[4].uuid],
			]);
		});

		it("ends a batch before it passes maxBatchBytes", () => {
			const { platform, queue } = setup({ flushAt: 100, limits: { maxBatchBytes: 400 } });
			enqueueEvents(queue, 6);
			queue.flush();
			expect(platform.http.requests.size() > 1).toBe(true);
			for (const recorded of platform.http.requests) expect(recorded.request.body!.size() < 500).toBe(true);
		});

		it("posts JSON to {host}/batch/", () => {
			const { platform, queue } = setup();
			enqueueEvents(queue, 1);
			queue.flush();
			expect(platform.http.requests[0].request).toMatchObject({
				url: "https://us.i.posthog.com/batch/",
				method: "POST",
				headers: { "content-type": "application/json" },
				timeoutSeconds: 10,
			});
		});

		it("gzips the body unless enableCompression is false", () => {
			for (const enableCompression of [true, false]) {
				const { platform, queue } = setup({ enableCompression });
				enqueueEvents(queue, 1);
				queue.flush();
				expect(platform.http.requests[0].request.gzip).toBe(enableCompression);
			}
		});

		it("sends api_key and sent_at, without historical_migration", () => {
			const { platform, queue } = setup();
			enqueueEvents(queue, 1);
			platform.scheduler.advance(1.5);
			queue.flush();
			const body = platform.http.body(0);
			expect(body.api_key).toBe("phc_test");
			expect(body.sent_at).toBe("2026-01-02T03:04:07.178Z");
			expect(body.historical_migration).toBeUndefined();
		});

		it("keeps one flush in flight at a time", () => {
			const { platform, queue } = setup({ flushAt: 2, maxBatchSize: 2 });
			platform.http.answer({ status: 200, afterSeconds: 5 });
			enqueueEvents(queue, 4);
			queue.flush();
			expect(platform.http.requests.size()).toBe(1);
			platform.scheduler.advance(5);
			expect(platform.http.requests.size()).toBe(2);
			expect(queue.getStats().sent).toBe(4);
		});

		it("does not flush by itself before start or after stop", () => {
			const { platform, queue } = setup({ flushAt: 1 }, { start: false });
			enqueueEvents(queue, 1);
			platform.scheduler.advance(60);
			expect(platform.http.requests.size()).toBe(0);
			queue.start();
			queue.stop();
			enqueueEvents(queue, 1);
			platform.scheduler.advance(60);
			expect(platform.http.requests.size()).toBe(0);
			queue.flush();
			expect(platform.http.requests.size()).toBe(1);
		});

		it("stops every timer on stop", () => {
			const { platform, queue } = setup();
			platform.http.answer({ status: 503 });
			enqueueEvents(queue, 1);
			queue.flush();
			expect(platform.scheduler.pendingTimers()).toBe(2);
			queue.stop();
			expect(platform.scheduler.pendingTimers()).toBe(0);
		});
	});

	describe("retries", () => {
		const RETRYABLE: Array<[name: string, answer: Parameters<FakePlatform["http"]["answer"]>[0]]> = [
			["HTTP 500", { status: 500 }],
			["HTTP 502", { status: 502 }],
			["HTTP 503", { status: 503 }],
			["HTTP 504", { status: 504 }],
			["HTTP 408", { status: 408 }],
			["HTTP 429", { status: 429 }],
			["a timeout", { error: "HttpError: Timedout" }],
			["a connection failure", { error: "HttpError: ConnectFail" }],
		];
		for (const [name, answer] of RETRYABLE) {
			it(`resends the same events after ${name}`, () => {
				const { platform, queue } = setup();
				platform.http.answer(answer);
				const events = enqueueEvents(queue, 2);
				queue.flush();
				platform.scheduler.advance(1);
				expect(platform.http.requests.size()).toBe(2);
				expect(platform.http.body(1).batch).toEqual(platform.http.body(0).batch);
				expect(platform.http.uuids(1)).toEqual(uuidsOf(events));
				expect(queue.getStats()).toMatchObject({ sent: 2, retries: 1, pending: 0 });
			});
		}

		it("waits 30 s after Roblox's request limit and does not count it as a retry", () => {
			const { platform, queue } = setup({ maxRetries: 0 });
			platform.http.answer({ error: "Number of requests exceeded limit" });
			const events = enqueueEvents(queue, 2);
			queue.flush();
			platform.scheduler.advance(29);
			expect(platform.http.requests.size()).toBe(1);
			platform.scheduler.advance(2);
			expect(platform.http.requests.size()).toBe(2);
			expect(platform.http.uuids(1)).toEqual(uuidsOf(events));
			expect(queue.getStats()).toMatchObject({ sent: 2, pending: 0 });
		});

		it("keeps each event's uuid and timestamp but renews sent_at", () => {
			const { platform, queue } = setup();
			platform.http.answer({ status: 503 });
			enqueueEvents(queue, 1);
			queue.flush();
			platform.scheduler.advance(1);
			const [first, second] = [platform.http.body(0), platform.http.body(1)];
			expect(second.batch[0].uuid).toBe(first.batch[0].uuid);
			expect(second.batch[0].timestamp).toBe(first.batch[0].timestamp);
			expect(first.sent_at).toBe("2026-01-02T03:04:05.678Z");
			expect(second.sent_at).toBe("2026-01-02T03:04:06.678Z");
		});

		for (const maxRetries of [0, 1, 3]) {
			it(`makes exactly ${maxRetries + 1} requests in a round with maxRetries ${maxRetries}, then keeps the events`, () => {
				const { platform, queue } = setup({
					maxRetries,
					flushIntervalSeconds: 1,
					limits: { retryRoundPauseSeconds: 600 },
				});
				platform.http.fallback = { status: 503 };
				enqueueEvents(queue, 2);
				queue.flush();
				platform.scheduler.advance(300);
				expect(platform.http.requests.size()).toBe(maxRetries + 1);
				expect(queue.getStats()).toMatchObject({ pending: 2, parked: 2, dropped: { queueFull: 0 } });
				expect(platform.logOutput.containing(`2 event(s) still unsent after ${maxRetries} retries`).size()).toBe(1);
			});
		}

		describe("once a batch used up its retries", () => {
			/** Fails one whole round (4 requests with maxRetries 3) for `count` events. */
			function failOneRound(count: number, overrides: Parameters<typeof setup>[0] = {}) {
				const value = setup({ maxRetries: 3, flushAt: 100, flushIntervalSeconds: 5, ...overrides });
				value.platform.http.answer({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
				const events = enqueueEvents(value.queue, count);
				value.queue.flush();
				value.platform.scheduler.advance(10);
				expect(value.platform.http.requests.size()).toBe(4);
				return { ...value, events };
			}

			it("warns once, naming the failure and when sending resumes", () => {
				const { platform } = failOneRound(1);
				const lines = platform.logOutput.containing("still unsent after 3 retries");
				expect(lines.size()).toBe(1);
				expect(lines[0]).toContain("HTTP 503");
				expect(lines[0]).toContain("sending resumes in 60 s");
			});

			it("pauses sending for a minute: no interval flush, Flush or flushAt sends", () => {
				const { platform, queue } = failOneRound(1, { flushAt: 2 });
				queue.flush();
				enqueueEvents(queue, 2);
				platform.scheduler.advance(40);
				expect(platform.http.requests.size()).toBe(4);
			});

			it("starts the next round after the pause with the same events, oldest first", () => {
				const { platform, queue, events } = failOneRound(2);
				const later = enqueueEvents(queue, 1);
				platform.scheduler.advance(60);
				expect(platform.http.requests.size()).toBe(5);
				expect(platform.http.uuids(4)).toEqual(uuidsOf([...events, ...later]));
				expect(platform.http.body(4).batch[0].timestamp).toBe(platform.http.body(0).batch[0].timestamp);
				expect(queue.getStats()).toMatchObject({ sent: 3, pending: 0, parked: 0 });
			});

			it("gives the next round fresh retries", () => {
				const { platform, queue } = failOneRound(1);
				platform.http.answer({ status: 503 }, { status: 503 }, { status: 503 });
				platform.scheduler.advance(200);
				expect(platform.http.requests.size()).toBe(8);
				expect(queue.getStats()).toMatchObject({ sent: 1, pending: 0 });
			});

			it("drops parked events first when the queue is full", () => {
				const { queue } = failOneRound(2, { maxQueueSize: 3 });
				const newer = enqueueEvents(queue, 2);
				expect(queue.getStats()).toMatchObject({ pending: 3, parked: 1, dropped: { queueFull: 1 } });
				expect(queue.lastQueuedUuid()).toBe(newer[1].uuid);
			});
		});

		it("backs off exponentially from 1 s", () => {
			const { platform, queue } = setup({ flushIntervalSeconds: NO_INTERVAL });
			platform.http.answer({ status: 503 }, { status: 503 }, { status: 503 });
			enqueueEvents(queue, 1);
			queue.flush();
			platform.scheduler.advance(60);
			expect(requestTimes(platform)).toEqual([0, 1, 3, 7]);
		});

		it("waits out the rest of a backoff when its wake-up timer fires early", () => {
			const platform = fakePlatform();
			const scheduler = new EarlyScheduler(platform.clock);
			platform.scheduler = scheduler;
			const budget = new RequestBudget(CONFIG_DEFAULTS.maxRequestsPerMinute, platform.clock);
			const queue = new EventQueue(
				{
					apiKey: "phc_test",
					host: "https://us.i.posthog.com",
					flushAt: CONFIG_DEFAULTS.flushAt,
					flushIntervalSeconds: NO_INTERVAL,
					maxQueueSize: CONFIG_DEFAULTS.maxQueueSize,
					maxBatchSize: CONFIG_DEFAULTS.maxBatchSize,
					maxRetries: CONFIG_DEFAULTS.maxRetries,
					enableCompression: true,
					beforeSend: undefined,
				},
				{ platform, logger: platform.logger, budget },
			);
			queue.start();
			platform.http.answer({ status: 503 });
			enqueueEvents(queue, 1);
			queue.flush();
			scheduler.advance(10);
			const times = requestTimes(platform);
			expect(times.size()).toBe(2);
			// The default random draw puts the first backoff at exactly 1 s; the 1 ms slack applies.
			expect(times[1] >= 1 - 0.001 && times[1] <= 1).toBe(true);
			expect(queue.getStats().sent).toBe(1);
		});

		it("jitters the backoff by up to 25 %", () => {
			const { platform, queue } = setup({ flushIntervalSeconds: NO_INTERVAL });
			platform.random.numbers = [0, 1];
			platform.http.answer({ status: 503 }, { status: 503 });
			enqueueEvents(queue, 1);
			queue.flush();
			platform.scheduler.advance(60);
			expect(requestTimes(platform)).toEqual([0, 0.75, 0.75 + 2.5]);
		});

		it("waits at least Retry-After", () => {
			const { platform, queue } = setup({ flushIntervalSeconds: NO_INTERVAL });
			platform.http.answer({ status: 429, headers: { "retry-after": "3" } });
			enqueueEvents(queue, 1);
			queue.flush();
			platform.scheduler.advance(2.9);
			expect(platform.http.requests.size()).toBe(1);
			platform.scheduler.advance(0.1);
			expect(requestTimes(platform)).toEqual([0, 3]);
		});

		it("does not send during a backoff, even on demand", () => {
			const { platform, queue } = setup();
			platform.http.answer({ status: 503, headers: { "retry-after": "10" } });
			enqueueEvents(queue, 1);
			queue.flush();
			enqueueEvents(queue, 30);
			queue.flush();
			platform.scheduler.advance(9.9);
			expect(platform.http.requests.size()).toBe(1);
			platform.scheduler.advance(0.1);
			expect(platform.http.requests.size() > 1).toBe(true);
		});
	});

	describe("rejections", () => {
		for (const status of [400, 401, 403, 404, 422]) {
			it(`drops the batch on HTTP ${status} without retrying, with one warning`, () => {
				const { platform, queue } = setup();
				platform.http.answer({ status, body: '{"type":"validation_error"}' });
				enqueueEvents(queue, 3);
				queue.flush();
				platform.scheduler.advance(120);
				expect(platform.http.requests.size()).toBe(1);
				expect(queue.getStats()).toMatchObject({ pending: 0, dropped: { rejected: 3 } });
				expect(platform.logOutput.at("warn").size()).toBe(1);
			});
		}

		it("points at the api key and host on 401", () => {
			const { platform, queue } = setup();
			platform.http.answer({ status: 401 });
			enqueueEvents(queue, 1);
			queue.flush();
			expect(platform.logOutput.at("warn")).toEqual([
				'[PostHog] PostHog rejected 1 event(s) with HTTP 401; they were dropped. Check that apiKey is your project API key (it starts with "phc_") and that host (https://us.i.posthog.com) is your project\'s region. [BATCH_REJECTED_AUTH]',
			]);
		});

		it("quotes the response body on 400", () => {
			const { platform, queue } = setup();
			platform.http.answer({ status: 400, body: "invalid payload" });
			enqueueEvents(queue, 1);
			queue.flush();
			expect(platform.logOutput.at("warn")[0]).toBe(
				"[PostHog] PostHog rejected 1 event(s) with HTTP 400; they were dropped and will not be retried. Response: invalid payload [BATCH_REJECTED]",
			);
		});

		it("warns once a minute per status, however many batches are rejected", () => {
			const { platform, queue } = setup({ maxBatchSize: 1 });
			platform.http.fallback = { status: 401 };
			enqueueEvents(queue, 5);
			queue.flush();
			expect(platform.http.requests.size()).toBe(5);
			expect(platform.logOutput.at("warn").size()).toBe(1);
		});

		it("goes on with the next batch", () => {
			const { platform, queue } = setup({ maxBatchSize: 1, flushAt: 100 });
			platform.http.answer({ status: 400 });
			const events = enqueueEvents(queue, 2);
			queue.flush();
			expect(platform.http.uuids(1)).toEqual([events[1].uuid]);
			expect(queue.getStats()).toMatchObject({ sent: 1, dropped: { rejected: 1 } });
		});

		it("drops events when Roblox refuses the URL", () => {
			const { platform, queue } = setup();
			platform.http.answer({ error: "https://x.roblox.com/batch/: Trust check failed" });
			enqueueEvents(queue, 2);
			queue.flush();
			platform.scheduler.advance(60);
			expect(platform.http.requests.size()).toBe(1);
			expect(queue.getStats().dropped.rejected).toBe(2);
			expect(platform.logOutput.containing("Roblox refused the request").size()).toBe(1);
		});
	});

	describe("when PostHog answers 413", () => {
		it("halves a multi-event batch and resends the same events", () => {
			const { platform, queue } = setup({ maxBatchSize: 4, flushAt: 100 });
			platform.http.answer({ status: 413 });
			const events = enqueueEvents(queue, 4);
			queue.flush();
			expect(platform.http.requests.map((_, index) => platform.http.uuids(index))).toEqual([
				uuidsOf(events),
				[events[0].uuid, events[1].uuid],
				[events[2].uuid, events[3].uuid],
			]);
			expect(queue.getStats()).toMatchObject({ sent: 4, pending: 0 });
		});

		it("drops a single event without retrying", () => {
			const { platform, queue } = setup();
			platform.http.answer({ status: 413 });
			enqueueEvents(queue, 1);
			queue.flush();
			platform.scheduler.advance(60);
			expect(platform.http.requests.size()).toBe(1);
			expect(queue.getStats().dropped.rejected).toBe(1);
		});

		it("grows the batch size back after successful sends", () => {
			const { platform, queue } = setup({ maxBatchSize: 4, flushAt: 100 });
			platform.http.answer({ status: 413 });
			enqueueEvents(queue, 8);
			queue.flush();
			expect(platform.http.requests.map((_, index) => platform.http.uuids(index).size())).toEqual([4, 2, 4, 2]);
		});
	});

	describe("when HTTP requests are not enabled", () => {
		it("logs one error that says how to enable them", () => {
			const { platform, queue } = setup();
			platform.http.fallback = { error: HTTP_DISABLED };
			enqueueEvents(queue, 1);
			queue.flush();
			platform.scheduler.advance(120);
			const errors = platform.logOutput.at("error");
			expect(errors.size()).toBe(1);
			expect(errors[0].find("Game Settings > Security > Allow HTTP Requests", 1, true)[0]).never.toBeUndefined();
		});

		it("keeps the events, up to maxQueueSize", () => {
			const { platform, queue } = setup({ maxQueueSize: 30 });
			platform.http.fallback = { error: HTTP_DISABLED };
			enqueueEvents(queue, 50);
			platform.scheduler.advance(120);
			expect(queue.getStats()).toMatchObject({ pending: 30, sent: 0, dropped: { queueFull: 20, rejected: 0 } });
		});

		it("tries again only on the flush interval, not on every flushAt", () => {
			const { platform, queue } = setup({ flushAt: 1 });
			platform.http.fallback = { error: HTTP_DISABLED };
			enqueueEvents(queue, 10);
			expect(platform.http.requests.size()).toBe(1);
			platform.scheduler.advance(30);
			expect(platform.http.requests.size()).toBe(2);
		});

		it("sends the kept events once requests work", () => {
			const { platform, queue } = setup();
			platform.http.answer({ error: HTTP_DISABLED });
			enqueueEvents(queue, 3);
			queue.flush();
			platform.scheduler.advance(30);
			expect(queue.getStats()).toMatchObject({ sent: 3, pending: 0 });
			expect(platform.logOutput.containing("HTTP requests work again").size()).toBe(1);
		});
	});

	describe("request budget", () => {
		it("paces partial batches 60 / maxRequestsPerMinute seconds apart so batches fill up under load", () => {
			const { platform, queue } = setup({ maxBatchSize: 50, flushAt: 20 }, { requestsPerMinute: 60 });
			// 50 events a second for 3 s: flushAt is reached every 0.4 s, but requests go once a second.
			for (let tick = 0; tick < 30; tick++) {
				enqueueEvents(queue, 5);
				platform.scheduler.advance(0.1);
			}
			platform.scheduler.advance(1);
			const sizes = new Array<number>();
			for (let i = 0; i < platform.http.requests.size(); i++) sizes.push(platform.http.uuids(i).size());
			// The first batch goes at flushAt; the ones after it waited for the pace and are (nearly) full.
			expect(sizes[0]).toBe(20);
			expect(sizes[1] >= 45 && sizes[2] >= 45).toBe(true);
			expect(sizes.size() <= 5).toBe(true);
			let total = 0;
			for (const size of sizes) total += size;
			expect(total).toBe(150);
		});

		it("does not hold back a full batch or an explicit Flush", () => {
			const { platform, queue } = setup({ maxBatchSize: 5, flushAt: 100 }, { requestsPerMinute: 60 });
			enqueueEvents(queue, 12);
			queue.flush();
			expect(requestTimes(platform)).toEqual([0, 0, 0]);
		});

		it("waits for the budget instead of going over it", () => {
			const { platform, queue } = setup({ maxBatchSize: 1, flushAt: 100 }, { requestsPerMinute: 2 });
			enqueueEvents(queue, 3);
			queue.flush();
			expect(platform.http.requests.size()).toBe(2);
			platform.scheduler.advance(60);
			expect(requestTimes(platform)).toEqual([0, 0, 60]);
		});
	});

	describe("drain", () => {
		it("sends everything, several batches at once", () => {
			const setupValue = setup({ maxBatchSize: 2, flushAt: 100 });
			setupValue.platform.http.fallback = { status: 200, afterSeconds: 1 };
			enqueueEvents(setupValue.queue, 8);
			const result = drainFor(setupValue, 10);
			expect(result).toEqual({ sent: 8, remaining: 0, timedOut: false, stoppedOnFailure: false });
			expect(requestTimes(setupValue.platform)).toEqual([0, 0, 0, 0]);
			expect(setupValue.platform.clock.elapsed() < 1.5).toBe(true);
		});

		it("ignores a pending backoff", () => {
			const setupValue = setup();
			const { platform, queue } = setupValue;
			platform.http.answer({ status: 503, headers: { "retry-after": "30" } });
			enqueueEvents(queue, 1);
			queue.flush();
			expect(drainFor(setupValue, 10)).toEqual({ sent: 1, remaining: 0, timedOut: false, stoppedOnFailure: false });
			expect(requestTimes(platform)).toEqual([0, 0]);
		});

		it("retries failures at once, at most maxRetries times, and reports what is left", () => {
			const setupValue = setup({ maxRetries: 3 });
			setupValue.platform.http.fallback = { status: 503 };
			enqueueEvents(setupValue.queue, 1);
			expect(drainFor(setupValue, 10)).toEqual({ sent: 0, remaining: 1, timedOut: false, stoppedOnFailure: false });
			expect(requestTimes(setupValue.platform)).toEqual([0, 0, 0, 0]);
		});

		it("gives events parked by a failed round a round of their own", () => {
			const setupValue = setup({ maxRetries: 0, flushIntervalSeconds: NO_INTERVAL });
			setupValue.platform.http.answer({ status: 503 });
			enqueueEvents(setupValue.queue, 1);
			setupValue.queue.flush();
			expect(setupValue.queue.getStats().parked).toBe(1);
			expect(drainFor(setupValue, 10)).toEqual({ sent: 1, remaining: 0, timedOut: false, stoppedOnFailure: false });
		});

		it("returns at the deadline with what is left", () => {
			const setupValue = setup({ maxBatchSize: 1, flushAt: 100 });
			setupValue.platform.http.fallback = { status: 200, afterSeconds: 100 };
			enqueueEvents(setupValue.queue, 2);
			expect(drainFor(setupValue, 5)).toEqual({ sent: 0, remaining: 2, timedOut: true, stoppedOnFailure: false });
			expect(setupValue.platform.clock.elapsed()).toBeCloseTo(5, 0);
		});

		it("asks for request timeouts that end by the deadline", () => {
			const setupValue = setup();
			enqueueEvents(setupValue.queue, 1);
			drainFor(setupValue, 3);
			expect(setupValue.platform.http.requests[0].request.timeoutSeconds).toBe(3);
		});

		it("sends events queued while it runs", () => {
			const setupValue = setup({ maxBatchSize: 1, flushAt: 100 });
			const { platform, queue } = setupValue;
			platform.http.answer({ status: 200, afterSeconds: 1 });
			enqueueEvents(queue, 1);
			let result: DrainResult | undefined;
			platform.scheduler.spawn(() => {
				result = queue.drain(10);
			});
			platform.scheduler.advance(0.5);
			const late = anEvent({ event: "server_shutdown" });
			queue.enqueue(late);
			platform.scheduler.advance(2);
			expect(result).toEqual({ sent: 2, remaining: 0, timedOut: false, stoppedOnFailure: false });
			expect(platform.http.uuids(1)).toEqual([late.uuid]);
		});

		it("waits for a batch the normal flush has in flight", () => {
			const setupValue = setup();
			const { platform, queue } = setupValue;
			platform.http.answer({ status: 200, afterSeconds: 2 });
			enqueueEvents(queue, 1);
			queue.flush();
			expect(drainFor(setupValue, 10)).toEqual({ sent: 1, remaining: 0, timedOut: false, stoppedOnFailure: false });
			expect(platform.http.requests.size()).toBe(1);
		});

		it("stops at once when HTTP requests are not enabled", () => {
			const setupValue = setup();
			setupValue.platform.http.fallback = { error: HTTP_DISABLED };
			enqueueEvents(setupValue.queue, 3);
			expect(drainFor(setupValue, 10)).toEqual({ sent: 0, remaining: 3, timedOut: false, stoppedOnFailure: false });
			expect(setupValue.platform.http.requests.size()).toBe(1);
		});
	});

	describe("moving events to and from storage", () => {
		it("checkOut takes the oldest events not in flight, within the count and byte limits", () => {
			const { queue } = setup({ flushAt: 100, flushIntervalSeconds: NO_INTERVAL });
			const events = enqueueEvents(queue, 5);
			const taken = queue.checkOut(3, math.huge);
			expect(taken.map((event) => event.uuid)).toEqual(uuidsOf(events).filter((_, index) => index < 3));
			expect(queue.checkOut(10, 1).size()).toBe(1);
		});

		it("checkIn removes stored events and puts unstored ones back to be sent", () => {
			const setupValue = setup({ flushAt: 100, flushIntervalSeconds: NO_INTERVAL });
			const { platform, queue } = setupValue;
			const events = enqueueEvents(queue, 4);
			const stored = queue.checkOut(2, math.huge);
			const kept = queue.checkOut(2, math.huge);
			queue.checkIn(stored, true);
			queue.checkIn(kept, false);
			expect(queue.getStats().spilled).toBe(2);
			expect(queue.size()).toBe(2);
			queue.flush();
			platform.scheduler.advance(1);
			expect(platform.http.uuids(0)).toEqual([events[2].uuid, events[3].uuid]);
		});

		it("checked-out events are never also sent by a flush", () => {
			const setupValue = setup({ flushAt: 100, flushIntervalSeconds: NO_INTERVAL });
			const { platform, queue } = setupValue;
			enqueueEvents(queue, 3);
			const taken = queue.checkOut(3, math.huge);
			queue.flush();
			platform.scheduler.advance(1);
			expect(platform.http.requests.size()).toBe(0);
			queue.checkIn(taken, true);
			expect(queue.size()).toBe(0);
		});

		it("adopt sends stored events as they were encoded, once per uuid", () => {
			const setupValue = setup({ flushAt: 100, flushIntervalSeconds: NO_INTERVAL });
			const { platform, queue } = setupValue;
			const original = anEvent({ timestamp: "2020-01-02T03:04:05.006Z", properties: { n: 1 } });
			const encoded = platform.json.encode({ ...original });
			expect(
				queue.adopt([
					{ uuid: original.uuid, encoded },
					{ uuid: original.uuid, encoded },
				]),
			).toBe(1);
			queue.flush();
			platform.scheduler.advance(1);
			expect(platform.http.body(0).batch).toEqual([original]);
			expect(queue.getStats().adopted).toBe(1);
			expect(queue.getStats().captured).toBe(0);
		});

		it("failingForSeconds counts from the first failure of a streak and clears on success", () => {
			const setupValue = setup({ flushAt: 1, flushIntervalSeconds: NO_INTERVAL });
			const { platform, queue } = setupValue;
			platform.http.fallback = { status: 503 };
			expect(queue.failingForSeconds()).toBe(undefined);
			enqueueEvents(queue, 1);
			platform.scheduler.advance(0.1);
			expect(platform.http.requests.size()).toBe(1);
			expect(queue.failingForSeconds()).toBeCloseTo(0.1, 1);
			platform.scheduler.advance(10);
			expect(queue.failingForSeconds()!).toBeCloseTo(10.1, 1);
			platform.http.fallback = { status: 200 };
			platform.scheduler.advance(120);
			expect(queue.size()).toBe(0);
			expect(queue.failingForSeconds()).toBe(undefined);
		});

		it("drain with stopOnFailure stops at the first failed request", () => {
			const setupValue = setup({ maxBatchSize: 1, flushAt: 100 });
			setupValue.platform.http.fallback = { status: 503, afterSeconds: 0.5 };
			enqueueEvents(setupValue.queue, 10);
			let result: DrainResult | undefined;
			setupValue.platform.scheduler.spawn(() => {
				result = setupValue.queue.drain(10, { stopOnFailure: true });
			});
			setupValue.platform.scheduler.advance(1);
			expect(result).toEqual({ sent: 0, remaining: 10, timedOut: false, stoppedOnFailure: true });
			// The first round of concurrent batches only.
			expect(setupValue.platform.http.requests.size()).toBe(4);
		});
	});

	it("counts captured, sent, dropped, retries and requests", () => {
		const { platform, queue } = setup({ maxQueueSize: 5, flushAt: 100, maxBatchSize: 2 });
		platform.http.answer({ status: 503 }, { status: 400 });
		enqueueEvents(queue, 6);
		queue.flush();
		platform.scheduler.advance(5);
		expect(queue.getStats()).toEqual({
			captured: 6,
			sent: 3,
			spilled: 0,
			adopted: 0,
			dropped: {
				beforeSend: 0,
				beforeSendError: 0,
				invalidEvent: 0,
				duplicate: 0,
				encodeError: 0,
				tooLarge: 0,
				queueFull: 1,
				queueBytes: 0,
				rejected: 2,
			},
			retries: 1,
			requests: 4,
			pending: 0,
			parked: 0,
			pendingBytes: 0,
		});
	});
});
