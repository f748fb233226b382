import { describe, expect, it } from "@rbxts/jest-globals";
import { acceptClientEnvelope } from "../../../core/relay/acceptClientEnvelope";
import { ClientOutbox, ClientOutboxOptions } from "../../../core/relay/ClientOutbox";
import { ENVELOPE_OVERHEAD_BYTES, estimateMessageBytes } from "../../../core/relay/estimateMessageBytes";
import { MAX_ENVELOPE_BYTES, MAX_MESSAGES_PER_ENVELOPE, WIRE_VERSION } from "../../../core/relay/limits";
import { ClientEnvelope, ClientMessage, WireCapture } from "../../../core/relay/messageSchemas";
import { FakeClock } from "../../support/fakePlatform";
import { advance, aLimiter } from "../../support/relay";

function setup(options: ClientOutboxOptions = {}) {
	const clock = new FakeClock();
	return { clock, outbox: new ClientOutbox(clock, options) };
}

function aCapture(name = "clicked", properties?: Record<string, string | number | boolean>): ClientMessage {
	return { kind: "capture", name, properties };
}

function names(envelope: ClientEnvelope | undefined): Array<string> {
	if (envelope === undefined) return [];
	return envelope.m.map((message) => (message as WireCapture).n);
}

describe("ClientOutbox", () => {
	it("packs buffered messages into one envelope, oldest first", () => {
		const { outbox } = setup();
		outbox.push(aCapture("a"));
		outbox.push(aCapture("b", { level: 2 }));
		const envelope = outbox.takeEnvelope();
		expect(envelope).toEqual({
			v: WIRE_VERSION,
			m: [
				{ k: "c", n: "a" },
				{ k: "c", n: "b", p: { level: 2 } },
			],
		});
		expect(outbox.size()).toBe(0);
		expect(outbox.takeEnvelope()).toBeUndefined();
	});

	it("refuses what the server would refuse, with the server's reason", () => {
		const { outbox } = setup();
		expect(outbox.push(aCapture("$pageview"))).toBe("name_reserved");
		expect(outbox.push(aCapture("ok", { $set: 1 }))).toBe("property_key_reserved");
		expect(outbox.push(aCapture("ok", { x: 0 / 0 }))).toBe("property_value_not_finite");
		expect(outbox.push(aCapture("ok"))).toBeUndefined();
		expect(outbox.size()).toBe(1);
	});

	it("buffers a copy, so later edits to the caller's properties don't leak into it", () => {
		const { outbox } = setup();
		const properties: Record<string, string | number | boolean> = { level: 1 };
		outbox.push(aCapture("a", properties));
		properties.level = 99;
		expect(outbox.takeEnvelope()!.m[0]).toEqual({ k: "c", n: "a", p: { level: 1 } });
	});

	it("fires at most once per 1/maxFiresPerSecond", () => {
		const { clock, outbox } = setup({ maxFiresPerSecond: 4 });
		outbox.push(aCapture("a"));
		expect(outbox.takeEnvelope()).toBeDefined();
		outbox.push(aCapture("b"));
		advance(clock, 0.2);
		expect(outbox.takeEnvelope()).toBeUndefined();
		expect(outbox.secondsUntilNextFire()).toBeCloseTo(0.05);
		advance(clock, 0.05);
		expect(names(outbox.takeEnvelope())).toEqual(["b"]);
	});

	it(`puts at most ${MAX_MESSAGES_PER_ENVELOPE} messages in an envelope`, () => {
		const { outbox } = setup({ burst: 100, ratePerSecond: 100 });
		for (let index = 1; index <= 40; index++) outbox.push(aCapture(`e${index}`));
		expect(outbox.takeEnvelope()!.m.size()).toBe(MAX_MESSAGES_PER_ENVELOPE);
		expect(outbox.size()).toBe(40 - MAX_MESSAGES_PER_ENVELOPE);
	});

	it(`keeps each envelope within ${MAX_ENVELOPE_BYTES} estimated bytes`, () => {
		const { clock, outbox } = setup({ burst: 100, ratePerSecond: 100 });
		const properties: Record<string, string> = {};
		for (let index = 1; index <= 5; index++) properties[`k${index}`] = string.rep("v", 1000);
		for (let index = 1; index <= 6; index++) outbox.push(aCapture(`e${index}`, properties));
		const sizes = new Array<number>();
		while (outbox.size() > 0) {
			const envelope = outbox.takeEnvelope()!;
			let bytes = ENVELOPE_OVERHEAD_BYTES;
			for (const message of envelope.m) bytes += estimateMessageBytes(message);
			expect(bytes).toBeLessThan(MAX_ENVELOPE_BYTES + 1);
			sizes.push(envelope.m.size());
			advance(clock, 0.25);
		}
		expect(sizes).toEqual([2, 2, 2]);
	});

	it("spends one client token per message and holds the rest back", () => {
		const { clock, outbox } = setup({ ratePerSecond: 4, burst: 2 });
		for (let index = 1; index <= 5; index++) outbox.push(aCapture(`e${index}`));
		expect(names(outbox.takeEnvelope())).toEqual(["e1", "e2"]);
		advance(clock, 0.25);
		expect(names(outbox.takeEnvelope())).toEqual(["e3"]);
		advance(clock, 0.25);
		expect(names(outbox.takeEnvelope())).toEqual(["e4"]);
		expect(outbox.size()).toBe(1);
	});

	describe("while the relay is missing", () => {
		it("keeps at most maxBufferedMessages, dropping and counting the oldest", () => {
			const { outbox } = setup({ maxBufferedMessages: 3, burst: 10 });
			for (let index = 1; index <= 5; index++) outbox.push(aCapture(`e${index}`));
			expect(outbox.size()).toBe(3);
			expect(outbox.droppedCount()).toBe(2);
			expect(names(outbox.takeEnvelope())).toEqual(["e3", "e4", "e5"]);
		});

		it("sends what it kept once the relay appears", () => {
			const { clock, outbox } = setup();
			for (let index = 1; index <= 250; index++) {
				outbox.push(aCapture(`e${index}`));
				advance(clock, 0.1);
			}
			expect(outbox.size()).toBe(100);
			expect(outbox.droppedCount()).toBe(150);
			const sent = new Array<string>();
			for (let tick = 1; tick <= 100 && outbox.size() > 0; tick++) {
				for (const name of names(outbox.takeEnvelope())) sent.push(name);
				advance(clock, 0.25);
			}
			expect(sent.size()).toBe(100);
			expect(sent[0]).toBe("e151");
			expect(sent[99]).toBe("e250");
		});
	});

	describe("under a capture storm of 1,000 captures per second for 10 s", () => {
		function storm() {
			const clock = new FakeClock();
			const outbox = new ClientOutbox(clock);
			const limiter = aLimiter(clock);
			let fires = 0;
			let accepted = 0;
			let rejected = 0;
			// The engine polls every frame (60 Hz); captures arrive 1 per ms.
			for (let ms = 1; ms <= 10_000; ms++) {
				advance(clock, 0.001);
				outbox.push(aCapture(`e${ms}`));
				if (ms % 16 === 0) {
					const envelope = outbox.takeEnvelope();
					if (envelope !== undefined) {
						fires += 1;
						const result = acceptClientEnvelope(envelope, { sender: "p", limiter, maxPropertyCount: 100 });
						accepted += result.accepted.size();
						rejected += result.rejected.size();
					}
				}
			}
			return { fires, accepted, rejected, outbox };
		}

		it("fires at most 4 envelopes per second", () => {
			expect(storm().fires).toBeLessThan(4 * 10 + 1);
		});

		it("sends only what the server accepts: nothing is rate limited there", () => {
			const { accepted, rejected } = storm();
			expect(rejected).toBe(0);
			// 90% of the server's 20/s plus the client's burst of 10.
			expect(accepted).toBeGreaterThan(18 * 10 - 5);
			expect(accepted).toBeLessThan(18 * 10 + 10 + 1);
		});

		it("keeps the buffer bounded and counts what it dropped", () => {
			const { outbox, accepted } = storm();
			expect(outbox.size()).toBeLessThan(101);
			expect(outbox.size()).toBeGreaterThan(90);
			expect(outbox.droppedCount()).toBe(10_000 - outbox.size() - accepted);
		});
	});

	it("reports no next fire when empty, and 0 when one is due", () => {
		const { outbox } = setup();
		expect(outbox.secondsUntilNextFire()).toBeUndefined();
		outbox.push(aCapture());
		expect(outbox.secondsUntilNextFire()).toBe(0);
	});

	it("reports the wait for a token when the bucket is empty", () => {
		const { clock, outbox } = setup({ ratePerSecond: 2, burst: 1 });
		outbox.push(aCapture("a"));
		outbox.push(aCapture("b"));
		outbox.takeEnvelope();
		advance(clock, 0.25);
		expect(outbox.secondsUntilNextFire()).toBeCloseTo(0.25);
	});
});
