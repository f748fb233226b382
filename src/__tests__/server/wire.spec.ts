// What goes on the wire: the /batch/ request and body, the properties every event carries, ids and
// timestamps, and gzip (posthog-protocol.md §2, §4, §6).
import { describe, expect, it } from "@rbxts/jest-globals";
import { SDK_VERSION } from "../../version";
import { CapturedEvent } from "../support/fakePostHog";
import { eventsOf, useServerSpec } from "../support/serverSpec";

type Props = Record<string, unknown>;

/** 2026-03-04T05:06:07.000Z */
const EPOCH_MILLIS = 1772600767000;

const UUID_V7_PATTERN = "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-7%x%x%x%-[89abAB]%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$";

function props(event: CapturedEvent): Props {
	return event.properties ?? {};
}

/** Unix milliseconds in the first 48 bits of a UUIDv7. */
function uuidMillis(uuid: string): number {
	const [hex] = uuid.gsub("-", "");
	return tonumber(hex.sub(1, 12), 16)!;
}

describe("the wire format", () => {
	const spec = useServerSpec({
		shared: true,
		server: { placeId: 7001, placeVersion: 42, gameId: 9009, jobId: "job-7f3a" },
	});

	function send() {
		spec.PostHog.Flush();
		spec.world.runFor(1);
	}

	function onlyEvent(): CapturedEvent {
		const events = spec.delivered();
		expect(events.size()).toBe(1);
		return events[0];
	}

	describe("the request", () => {
		it("POSTs to {host}/batch/", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "clicked");
			send();
			const request = spec.batchRequests()[0];
			expect(request.method).toBe("POST");
			expect(request.path).toBe("/batch/");
		});

		it("declares a JSON body", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "clicked");
			send();
			expect(spec.batchRequests()[0].headers["content-type"]).toBe("application/json");
		});

		it("sends a body holding exactly api_key, batch and sent_at", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "clicked");
			send();
			const body = spec.batchRequests()[0].json as Record<string, unknown>;
			const keys = new Array<string>();
			for (const [key] of pairs(body)) keys.push(key);
			keys.sort();
			expect(keys).toEqual(["api_key", "batch", "sent_at"]);
			expect(body.api_key).toBe("phc_test_key");
		});

		it("sends several events in one batch", () => {
			spec.init();
			for (let i = 1; i <= 3; i++) spec.PostHog.Capture(`user-${i}`, "clicked");
			send();
			expect(spec.batchRequests().size()).toBe(1);
			expect(eventsOf(spec.batchRequests()[0]).size()).toBe(3);
		});
	});

	describe("each event", () => {
		it("holds exactly event, distinct_id, properties, timestamp and uuid", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "clicked", { a: 1 });
			send();
			const keys = new Array<string>();
			for (const [key] of pairs(onlyEvent())) keys.push(key as string);
			keys.sort();
			expect(keys).toEqual(["distinct_id", "event", "properties", "timestamp", "uuid"]);
		});

		it("gives events captured in the same millisecond distinct, increasing uuids", () => {
			spec.init({ flushAt: 200, maxBatchSize: 200 });
			for (let i = 0; i < 100; i++) spec.PostHog.Capture("user-1", "clicked");
			send();
			const uuids = spec.delivered().map((event) => event.uuid!);
			expect(uuids.size()).toBe(100);
			const seen = new Set<string>();
			for (let i = 0; i < uuids.size(); i++) {
				expect(uuids[i]).toMatch(UUID_V7_PATTERN);
				seen.add(uuids[i]);
				if (i > 0) expect(uuids[i].lower() > uuids[i - 1].lower()).toBe(true);
			}
			expect(seen.size()).toBe(100);
		});
	});

	describe("properties on every event", () => {
		it("identifies the SDK with $lib and $lib_version", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "clicked");
			send();
			expect(props(onlyEvent()).$lib).toBe("posthog-rbx");
			expect(props(onlyEvent()).$lib_version).toBe(SDK_VERSION);
		});

		const kinds: Array<[string, (subject: unknown) => void]> = [
			["Capture", (s) => spec.PostHog.Capture(s as never, "clicked")],
			["Screen", (s) => spec.PostHog.Screen(s as never, "Shop")],
			["Identify", (s) => spec.PostHog.Identify(s as never, { level: 1 })],
			["Alias", (s) => spec.PostHog.Alias(s as never, "other-id")],
			["Group", (s) => spec.PostHog.Group(s as never, "guild", "knights")],
		];
		for (const [method, call] of kinds) {
			it(`disables GeoIP on events from ${method}`, () => {
				spec.init();
				call(1001);
				send();
				expect(props(onlyEvent()).$geoip_disable).toBe(true);
			});
		}

		it("disables GeoIP on server-scoped events", () => {
			spec.init();
			spec.PostHog.Capture(undefined, "shop_restocked");
			send();
			expect(props(onlyEvent()).$geoip_disable).toBe(true);
		});

		it("leaves $geoip_disable out of every kind of event with disableGeoip = false", () => {
			spec.init({ disableGeoip: false, flushAt: 10 });
			for (const [, call] of kinds) call(1001);
			spec.PostHog.Capture(undefined, "shop_restocked");
			send();
			const events = spec.delivered();
			expect(events.size()).toBe(kinds.size() + 1);
			for (const event of events) expect(props(event).$geoip_disable).toBeUndefined();
		});

		it("keeps a caller's $geoip_disable with disableGeoip = false", () => {
			spec.init({ disableGeoip: false });
			spec.PostHog.Capture("user-1", "clicked", { $geoip_disable: true });
			send();
			expect(props(onlyEvent()).$geoip_disable).toBe(true);
		});

		it("overrides a caller's $geoip_disable = false by default", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "clicked", { $geoip_disable: false });
			send();
			expect(props(onlyEvent()).$geoip_disable).toBe(true);
		});

		it("names the place, its version, the experience and the server", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "clicked");
			send();
			const properties = props(onlyEvent());
			expect(properties.place_id).toBe(7001);
			expect(properties.place_version).toBe(42);
			expect(properties.game_id).toBe(9009);
			expect(properties.server_job_id).toBe("job-7f3a");
		});

		it("carries super properties", () => {
			spec.init();
			spec.PostHog.Register("region", "us-east");
			spec.PostHog.Capture("user-1", "clicked");
			send();
			expect(props(onlyEvent()).region).toBe("us-east");
		});
	});

	describe("retries", () => {
		it("resends the same uuid and timestamp", () => {
			spec.init();
			spec.fake.script("batch", [{ status: 503 }]);
			spec.PostHog.Capture("user-1", "clicked");
			send();
			spec.world.runFor(5);
			const requests = spec.batchRequests();
			expect(requests.size()).toBe(2);
			const [first, second] = [eventsOf(requests[0])[0], eventsOf(requests[1])[0]];
			expect(second.uuid).toBe(first.uuid);
			expect(second.timestamp).toBe(first.timestamp);
		});
	});

	describe("compression", () => {
		it("gzips the body by default", () => {
			spec.init();
			for (let i = 0; i < 10; i++) spec.PostHog.Capture("user-1", "clicked", { index: i });
			send();
			const request = spec.batchRequests()[0];
			expect(request.gzip).toBe(true);
			expect(request.headers["content-encoding"]).toBe("gzip");
			expect(request.bytes < request.bodyText!.size()).toBe(true);
		});

		it("sends a plain body when enableCompression is false", () => {
			spec.init({ enableCompression: false });
			for (let i = 0; i < 10; i++) spec.PostHog.Capture("user-1", "clicked", { index: i });
			send();
			const request = spec.batchRequests()[0];
			expect(request.gzip).toBe(false);
			expect(request.headers["content-encoding"]).toBe(undefined);
			expect(request.bytes).toBe(request.bodyText!.size());
		});
	});
});

describe("the wire format's times", () => {
	// A fresh world per test, starting at 2026-03-04T05:06:07.000Z.
	const spec = useServerSpec({ world: { epochMillis: EPOCH_MILLIS } });

	function send() {
		spec.PostHog.Flush();
		spec.world.runFor(1);
	}

	function onlyEvent(): CapturedEvent {
		const events = spec.delivered();
		expect(events.size()).toBe(1);
		return events[0];
	}

	it("sets sent_at to the UTC time of the send, in milliseconds", () => {
		spec.init();
		spec.PostHog.Capture("user-1", "clicked");
		spec.world.runFor(2.5);
		send();
		const body = spec.batchRequests()[0].json as { sent_at: string };
		expect(body.sent_at).toBe("2026-03-04T05:06:09.500Z");
	});
	it("carries the capture time as a UTC ISO-8601 timestamp with milliseconds", () => {
		spec.init();
		spec.world.runFor(1.234);
		spec.PostHog.Capture("user-1", "clicked");
		spec.world.runFor(5);
		send();
		expect(onlyEvent().timestamp).toBe("2026-03-04T05:06:08.234Z");
	});

	it("has a UUIDv7 whose time is the capture time", () => {
		spec.init();
		spec.world.runFor(0.25);
		spec.PostHog.Capture("user-1", "clicked");
		send();
		const uuid = onlyEvent().uuid!;
		expect(uuid).toMatch(UUID_V7_PATTERN);
		expect(uuidMillis(uuid)).toBe(EPOCH_MILLIS + 250);
	});

	it("sets a new sent_at on each attempt", () => {
		spec.init();
		spec.fake.script("batch", [{ status: 503 }]);
		spec.PostHog.Capture("user-1", "clicked");
		send();
		spec.world.runFor(5);
		const requests = spec.batchRequests();
		expect(requests.size()).toBe(2);
		const sentAt = (index: number) => (requests[index].json as { sent_at: string }).sent_at;
		expect(sentAt(0)).toBe("2026-03-04T05:06:07.000Z");
		// Same minute: the seconds field tells when the retry was sent.
		const retrySeconds = tonumber(sentAt(1).sub(18, 23))! - 7;
		expect(retrySeconds > 0.7).toBe(true);
		expect(math.abs(retrySeconds - requests[1].receivedAt) < 0.002).toBe(true);
	});
});
