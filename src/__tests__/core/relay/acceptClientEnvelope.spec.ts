import { describe, expect, it } from "@rbxts/jest-globals";
import { acceptClientEnvelope, AcceptEnvelopeResult } from "../../../core/relay/acceptClientEnvelope";
import { MAX_ENVELOPE_BYTES, MAX_MESSAGES_PER_ENVELOPE, WIRE_VERSION } from "../../../core/relay/limits";
import { RateLimiter } from "../../../core/relay/RateLimiter";
import { RejectionReason } from "../../../core/relay/rejectionReasons";
import { FakeClock } from "../../support/fakePlatform";
import {
	advance,
	aLimiter,
	anEnvelope,
	aWireCapture,
	aWireContext,
	aWireException,
	aWireIdle,
	aWireScreen,
	measureRealSeconds,
} from "../../support/relay";

function setup(perSecond = 20) {
	const clock = new FakeClock();
	const limiter = aLimiter(clock, perSecond);
	const accept = (envelope: unknown, sender = "alice"): AcceptEnvelopeResult =>
		acceptClientEnvelope(envelope, { sender, limiter, maxPropertyCount: 100 });
	return { clock, limiter, accept };
}

function manyCaptures(count: number) {
	const messages = new Array<defined>();
	for (let index = 1; index <= count; index++) messages.push(aWireCapture({ n: `e${index}` }));
	return messages;
}

describe("acceptClientEnvelope", () => {
	it("accepts one message of every kind, in order", () => {
		const { accept } = setup();
		const result = accept(anEnvelope(aWireCapture(), aWireScreen(), aWireException(), aWireContext(), aWireIdle()));
		expect(result.rejected).toEqual([]);
		expect(result.accepted.map((message) => message.kind)).toEqual([
			"capture",
			"screen",
			"exception",
			"context",
			"idle",
		]);
	});

	it("accepts an empty batch", () => {
		const { accept } = setup();
		expect(accept(anEnvelope())).toEqual({ accepted: [], rejected: [] });
	});

	it("drops invalid messages alone and keeps the valid ones", () => {
		const { accept } = setup();
		const result = accept(anEnvelope(aWireCapture(), aWireCapture({ n: "$pageview" }), "junk", aWireIdle()));
		expect(result.accepted.map((message) => message.kind)).toEqual(["capture", "idle"]);
		expect(result.rejected).toEqual(["name_reserved", "message_not_table"]);
	});

	describe("rejects the whole fire", () => {
		const sparse: Array<unknown> = [];
		sparse[0] = aWireCapture();
		sparse[2] = aWireCapture();
		const cases: Array<[string, unknown, RejectionReason]> = [
			["nil", undefined, "envelope_not_table"],
			["a string", "hello", "envelope_not_table"],
			["a number", 0 / 0, "envelope_not_table"],
			[
				"a table with a metatable",
				setmetatable({ v: 1, m: [] }, { __index: () => error("boom") }),
				"envelope_not_table",
			],
			["a bare message", aWireCapture(), "envelope_shape"],
			["a bare array of messages", [aWireCapture()], "envelope_shape"],
			["an extra envelope field", { v: WIRE_VERSION, m: [], player: "bob" }, "envelope_shape"],
			["messages that are a string", { v: WIRE_VERSION, m: "c" }, "envelope_shape"],
			["a NaN version", { v: 0 / 0, m: [] }, "envelope_shape"],
			["another version", { v: 2, m: [aWireCapture()] }, "envelope_version"],
			["messages with a string key", { v: WIRE_VERSION, m: { first: aWireCapture() } }, "envelope_shape"],
			["messages with a hole", { v: WIRE_VERSION, m: sparse }, "envelope_shape"],
			["messages at index 0", { v: WIRE_VERSION, m: { [0]: aWireCapture() } }, "envelope_shape"],
			["messages at a fractional index", { v: WIRE_VERSION, m: { [1.5]: aWireCapture() } }, "envelope_shape"],
			["a far index", { v: WIRE_VERSION, m: { [1e9]: aWireCapture() } }, "envelope_shape"],
			[
				`${MAX_MESSAGES_PER_ENVELOPE + 1} messages`,
				anEnvelope(...manyCaptures(MAX_MESSAGES_PER_ENVELOPE + 1)),
				"envelope_too_many_messages",
			],
		];
		for (const [label, envelope, reason] of cases) {
			it(`for ${label} as ${reason}`, () => {
				const { accept, limiter } = setup();
				expect(accept(envelope)).toEqual({ accepted: [], rejected: [reason] });
				expect(limiter.available("alice")).toBe(20);
			});
		}

		it("for a million messages after reading MAX_MESSAGES_PER_ENVELOPE + 1 of them", () => {
			const { accept } = setup();
			const million = table.create(1_000_000, aWireCapture());
			const small = manyCaptures(MAX_MESSAGES_PER_ENVELOPE + 1);
			const timeOf = (messages: Array<unknown>) =>
				measureRealSeconds(() => {
					for (let round = 1; round <= 2000; round++) accept({ v: 1, m: messages });
				});
			timeOf(small);
			const smallSeconds = timeOf(small);
			const millionSeconds = timeOf(million);
			expect(accept({ v: 1, m: million }).rejected).toEqual(["envelope_too_many_messages"]);
			expect(millionSeconds).toBeLessThan(smallSeconds * 3 + 0.05);
		});
	});

	describe("rate limit", () => {
		it("charges one token per message, not per fire", () => {
			const { accept, limiter } = setup(20);
			const result = accept(anEnvelope(...manyCaptures(25)));
			expect(result.accepted.size()).toBe(20);
			expect(result.rejected).toEqual(["rate_limited", "rate_limited", "rate_limited", "rate_limited", "rate_limited"]);
			expect(limiter.available("alice")).toBe(0);
		});

		it("charges invalid messages too, so garbage floods are cut as cheaply as valid ones", () => {
			const { accept } = setup(20);
			const junk = new Array<defined>();
			for (let index = 1; index <= 20; index++) junk.push("junk");
			accept(anEnvelope(...junk));
			expect(accept(anEnvelope(aWireCapture())).rejected).toEqual(["rate_limited"]);
		});

		it("keeps one bucket per sender", () => {
			const { accept } = setup(20);
			accept(anEnvelope(...manyCaptures(20)), "alice");
			expect(accept(anEnvelope(aWireCapture()), "alice").rejected).toEqual(["rate_limited"]);
			expect(accept(anEnvelope(aWireCapture()), "bob").accepted.size()).toBe(1);
		});

		it("accepts again as the bucket refills", () => {
			const { accept, clock } = setup(20);
			accept(anEnvelope(...manyCaptures(20)));
			advance(clock, 0.5);
			const result = accept(anEnvelope(...manyCaptures(12)));
			expect(result.accepted.size()).toBe(10);
			expect(result.rejected.size()).toBe(2);
		});

		it("drops everything when clientRateLimitPerSecond is 0", () => {
			const { accept } = setup(0);
			expect(accept(anEnvelope(aWireCapture())).rejected).toEqual(["rate_limited"]);
		});
	});

	it(`drops messages that would take the envelope past ${MAX_ENVELOPE_BYTES} bytes`, () => {
		const { accept } = setup();
		const big = aWireException({ t: string.rep("t", 7000) });
		const result = accept(anEnvelope(big, big, aWireIdle()));
		expect(result.accepted.map((message) => message.kind)).toEqual(["exception", "idle"]);
		expect(result.rejected).toEqual(["envelope_too_large"]);
	});

	it("turns an error inside validation into internal_error instead of raising", () => {
		const broken = {
			tryTake: () => error("limiter bug"),
		} as unknown as RateLimiter<string>;
		const result = acceptClientEnvelope(anEnvelope(aWireCapture()), {
			sender: "alice",
			limiter: broken,
			maxPropertyCount: 100,
		});
		expect(result.accepted).toEqual([]);
		expect(result.rejected).toEqual(["internal_error"]);
		expect(result.error!.find("limiter bug", 1, true)[0] !== undefined).toBe(true);
	});

	it("reports a message's internal error and still handles the rest of the fire", () => {
		const { limiter } = setup();
		const result = acceptClientEnvelope(anEnvelope(aWireCapture(), aWireIdle()), {
			sender: "alice",
			limiter,
			maxPropertyCount: {} as unknown as number,
		});
		expect(result.rejected).toEqual(["internal_error"]);
		expect(result.accepted.map((message) => message.kind)).toEqual(["idle"]);
		expect(result.error).toBeDefined();
	});
});
