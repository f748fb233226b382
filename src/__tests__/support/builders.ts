// Builders for specs: events and queue setups with sensible defaults, overridable per spec.

import { CONFIG_DEFAULTS } from "../../core/config/PostHogConfig";
import { EventQueue, EventQueueOptions } from "../../core/delivery/EventQueue";
import { RequestBudget } from "../../core/delivery/RequestBudget";
import { CapturedEvent } from "../../core/events/CapturedEvent";
import { FakePlatform, fakePlatform } from "./fakePlatform";

let eventCount = 0;

/** A wire event with a unique uuid ("00000000-0000-7000-8000-00000000000N"). */
export function anEvent(overrides: Partial<CapturedEvent> = {}): CapturedEvent {
	eventCount += 1;
	return {
		event: `event ${eventCount}`,
		distinct_id: "123",
		properties: { $lib: "posthog-roblox", n: eventCount },
		timestamp: "2026-01-02T03:04:05.678Z",
		uuid: string.format("00000000-0000-7000-8000-%012d", eventCount),
		...overrides,
	};
}

export interface QueueSetup {
	platform: FakePlatform;
	queue: EventQueue;
	budget: RequestBudget;
}

/** An EventQueue over a fake platform with the documented defaults, started unless told otherwise. */
export function aQueue(
	overrides: Partial<EventQueueOptions> = {},
	options: { start?: boolean; requestsPerMinute?: number } = {},
): QueueSetup {
	const platform = fakePlatform();
	const budget = new RequestBudget(options.requestsPerMinute ?? CONFIG_DEFAULTS.maxRequestsPerMinute, platform.clock);
	const queue = new EventQueue(
		{
			apiKey: "phc_test",
			host: "https://us.i.posthog.com",
			flushAt: CONFIG_DEFAULTS.flushAt,
			flushIntervalSeconds: CONFIG_DEFAULTS.flushIntervalSeconds,
			maxQueueSize: CONFIG_DEFAULTS.maxQueueSize,
			maxBatchSize: CONFIG_DEFAULTS.maxBatchSize,
			maxRetries: CONFIG_DEFAULTS.maxRetries,
			enableCompression: CONFIG_DEFAULTS.enableCompression,
			beforeSend: undefined,
			...overrides,
		},
		{ platform, logger: platform.logger, budget },
	);
	if (options.start !== false) queue.start();
	return { platform, queue, budget };
}

/** Enqueues `count` fresh events and returns them. */
export function enqueueEvents(queue: EventQueue, count: number): Array<CapturedEvent> {
	const events = new Array<CapturedEvent>();
	for (let index = 0; index < count; index++) {
		const event = anEvent();
		queue.enqueue(event);
		events.push(event);
	}
	return events;
}
