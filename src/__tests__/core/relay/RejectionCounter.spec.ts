import { describe, expect, it } from "@rbxts/jest-globals";
import { describeRejections, RejectionCounter } from "../../../core/relay/RejectionCounter";
import { RejectionReason } from "../../../core/relay/rejectionReasons";
import { fakePlatform } from "../../support/fakePlatform";
import { advance } from "../../support/relay";

function setup() {
	const platform = fakePlatform();
	const counter = new RejectionCounter<number>(platform.clock, platform.logger, { logIntervalSeconds: 60 });
	const warnings = () => platform.logOutput.at("warn");
	return { platform, counter, warnings };
}

describe("RejectionCounter", () => {
	it("counts rejections per player by reason", () => {
		const { counter } = setup();
		counter.record(1, "Alice", ["rate_limited", "rate_limited", "name_reserved"]);
		counter.record(2, "Bob", ["message_shape"]);
		expect(counter.totals(1).get("rate_limited")).toBe(2);
		expect(counter.totals(1).get("name_reserved")).toBe(1);
		expect(counter.total(1)).toBe(3);
		expect(counter.total(2)).toBe(1);
	});

	it("writes one warning at once, then at most one per interval with what piled up", () => {
		const { counter, platform, warnings } = setup();
		counter.record(1, "Alice", ["name_reserved"]);
		expect(warnings()).toEqual([
			"[PostHog] dropped 1 invalid or rate-limited message(s) relayed by Alice: name_reserved x1 [CLIENT_MESSAGES_REJECTED]",
		]);
		for (let fire = 1; fire <= 100; fire++) counter.record(1, "Alice", ["rate_limited", "message_shape"]);
		expect(warnings().size()).toBe(1);
		advance(platform.clock, 60);
		counter.record(1, "Alice", ["rate_limited"]);
		expect(warnings()[1]).toBe(
			"[PostHog] dropped 201 invalid or rate-limited message(s) relayed by Alice: rate_limited x101, message_shape x100 [CLIENT_MESSAGES_REJECTED]",
		);
	});

	it("throttles each player separately", () => {
		const { counter, warnings } = setup();
		counter.record(1, "Alice", ["rate_limited"]);
		counter.record(2, "Bob", ["rate_limited"]);
		expect(warnings().size()).toBe(2);
	});

	it("writes nothing for an empty list", () => {
		const { counter, warnings } = setup();
		counter.record(1, "Alice", []);
		expect(warnings().size()).toBe(0);
		expect(counter.total(1)).toBe(0);
	});

	it("logs an internal validation error at error level", () => {
		const { counter, platform } = setup();
		counter.record(1, "Alice", ["internal_error"], "attempt to compare table < number");
		expect(platform.logOutput.at("error")).toEqual([
			"[PostHog] validating a message relayed by Alice failed unexpectedly, so it was dropped: attempt to compare table < number [CLIENT_RELAY_VALIDATION_ERROR]",
		]);
	});

	it("forgets a player", () => {
		const { counter } = setup();
		counter.record(1, "Alice", ["rate_limited"]);
		counter.forget(1);
		expect(counter.total(1)).toBe(0);
	});

	it("tracks at most maxKeys players", () => {
		const platform = fakePlatform();
		const counter = new RejectionCounter<number>(platform.clock, platform.logger, { maxKeys: 3 });
		for (let player = 1; player <= 10; player++) counter.record(player, `P${player}`, ["rate_limited"]);
		let tracked = 0;
		for (let player = 1; player <= 10; player++) if (counter.total(player) > 0) tracked += 1;
		expect(tracked).toBe(3);
		expect(counter.total(10)).toBe(1);
	});
});

describe("describeRejections", () => {
	it("lists counts in the order of REJECTION_REASONS", () => {
		const counts = new Map<RejectionReason, number>([
			["internal_error", 1],
			["envelope_shape", 2],
			["rate_limited", 3],
		]);
		expect(describeRejections(counts)).toBe("envelope_shape x2, rate_limited x3, internal_error x1");
	});
});
