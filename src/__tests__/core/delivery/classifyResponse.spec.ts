import { describe, expect, it } from "@rbxts/jest-globals";
import { classifyResponse, DeliveryOutcome } from "../../../core/delivery/classifyResponse";
import { HttpResult } from "../../../core/platform";

function status(code: number): HttpResult {
	return { kind: "response", status: code, headers: {}, body: "" };
}

function thrown(message: string): HttpResult {
	return { kind: "error", message };
}

describe("classifyResponse", () => {
	const STATUS_CASES: Array<[status: number, outcome: DeliveryOutcome]> = [
		[200, "sent"],
		[201, "sent"],
		[204, "sent"],
		[500, "retry"],
		[502, "retry"],
		[503, "retry"],
		[504, "retry"],
		[599, "retry"],
		[408, "retry"],
		[429, "retry"],
		[400, "drop"],
		[401, "drop"],
		[403, "drop"],
		[404, "drop"],
		[422, "drop"],
		[301, "drop"],
		[304, "drop"],
		[100, "retry"],
		[600, "retry"],
	];
	for (const [code, outcome] of STATUS_CASES) {
		it(`answers "${outcome}" for HTTP ${code}`, () => {
			expect(classifyResponse(status(code), 10)).toBe(outcome);
		});
	}

	it('answers "split" for 413 when the batch has more than one event', () => {
		expect(classifyResponse(status(413), 2)).toBe("split");
	});

	it('answers "drop" for 413 when the batch has one event', () => {
		expect(classifyResponse(status(413), 1)).toBe("drop");
	});

	const ERROR_CASES: Array<[message: string, outcome: DeliveryOutcome]> = [
		["HttpError: Timedout", "retry"],
		["HttpError: TimedOut", "retry"],
		["HttpError: DnsResolve", "retry"],
		["HttpError: ConnectFail", "retry"],
		["HttpError: NetFail", "retry"],
		["HttpError: TooManyOutstandingRequests", "retry"],
		["Number of requests exceeded limit", "throttled"],
		["something unexpected", "retry"],
		["Http requests are not enabled. Enable via game settings", "httpDisabled"],
		["ServerScriptService.Script:4: Http requests are not enabled. Enable via game settings", "httpDisabled"],
		["https://example.roblox.com/batch/: Trust check failed", "drop"],
		["HttpService is not allowed to access ROBLOX resources", "drop"],
		["Empty URL", "drop"],
		["HttpError: InvalidUrl", "drop"],
		['Header "Host" is not allowed!', "drop"],
		["Http requests can only be executed by game server", "drop"],
	];
	for (const [message, outcome] of ERROR_CASES) {
		it(`answers "${outcome}" for the thrown error "${message}"`, () => {
			expect(classifyResponse(thrown(message), 10)).toBe(outcome);
		});
	}
});
