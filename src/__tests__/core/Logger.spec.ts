import { describe, expect, it } from "@rbxts/jest-globals";
import { Logger } from "../../core/Logger";
import { LogLevel } from "../../core/platform";
import { FakeClock, RecordingLogOutput } from "../support/fakePlatform";

function aLogger(level: LogLevel = "debug") {
	const clock = new FakeClock();
	const output = new RecordingLogOutput();
	return { clock, output, logger: new Logger(output, level, clock) };
}

describe("Logger", () => {
	it("prefixes lines with [PostHog], fills the message template and ends with the message id", () => {
		const { output, logger } = aLogger();
		logger.warn("QUEUE_FULL", { limit: 10, total: 3 });
		expect(output.lines).toEqual([
			{
				level: "warn",
				line: "[PostHog] queue reached maxQueueSize (10), so the oldest event was dropped (3 dropped so far) [QUEUE_FULL]",
			},
		]);
	});

	it("writes only messages at or above its level", () => {
		const LEVELS: Array<[LogLevel, number]> = [
			["debug", 4],
			["info", 3],
			["warn", 2],
			["error", 1],
			["none", 0],
		];
		for (const [level, expected] of LEVELS) {
			const { output, logger } = aLogger(level);
			logger.debug("HTTP_ENABLED_AGAIN");
			logger.info("HTTP_ENABLED_AGAIN");
			logger.warn("HTTP_ENABLED_AGAIN");
			logger.error("HTTP_ENABLED_AGAIN");
			expect(output.lines.size()).toBe(expected);
		}
	});

	it("changes level at runtime", () => {
		const { output, logger } = aLogger("none");
		logger.setLevel("warn");
		logger.warn("HTTP_ENABLED_AGAIN");
		expect(output.lines.size()).toBe(1);
	});

	describe("once", () => {
		it("writes a message the first time only", () => {
			const { output, logger } = aLogger();
			logger.once("error", "HTTP_DISABLED");
			logger.once("error", "HTTP_DISABLED");
			expect(output.at("error").size()).toBe(1);
		});

		it("writes it again after resetOnce", () => {
			const { output, logger } = aLogger();
			logger.once("error", "HTTP_DISABLED");
			logger.resetOnce("HTTP_DISABLED");
			logger.once("error", "HTTP_DISABLED");
			expect(output.at("error").size()).toBe(2);
		});
	});

	describe("throttled", () => {
		it("writes at most one line per interval", () => {
			const { clock, output, logger } = aLogger();
			for (let second = 0; second < 120; second++) {
				clock.set(second);
				logger.throttled("warn", "HTTP_ENABLED_AGAIN", undefined, 60);
			}
			expect(output.lines.size()).toBe(2);
		});

		it("says how many lines it suppressed", () => {
			const { clock, output, logger } = aLogger();
			logger.throttled("warn", "HTTP_ENABLED_AGAIN");
			logger.throttled("warn", "HTTP_ENABLED_AGAIN");
			logger.throttled("warn", "HTTP_ENABLED_AGAIN");
			clock.set(61);
			logger.throttled("warn", "HTTP_ENABLED_AGAIN");
			expect(output.lines[1].line).toBe(
				"[PostHog] HTTP requests work again; sending queued events (2 similar message(s) suppressed since the previous one) [HTTP_ENABLED_AGAIN]",
			);
		});

		it("throttles separate keys separately", () => {
			const { output, logger } = aLogger();
			logger.throttled("warn", "BATCH_REJECTED", { count: 1, status: 400, body: "" }, 60, "400");
			logger.throttled("warn", "BATCH_REJECTED", { count: 1, status: 404, body: "" }, 60, "404");
			expect(output.lines.size()).toBe(2);
		});
	});
});
