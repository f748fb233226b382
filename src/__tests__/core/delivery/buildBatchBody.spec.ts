import { describe, expect, it } from "@rbxts/jest-globals";
import { HttpService } from "@rbxts/services";
import { buildBatchBody } from "../../../core/delivery/buildBatchBody";

describe("buildBatchBody", () => {
	it("joins already-encoded events into a /batch/ body", () => {
		const events = [
			HttpService.JSONEncode({ event: "a", uuid: "1" }),
			HttpService.JSONEncode({ event: "b", uuid: "2" }),
		];
		const body = buildBatchBody(HttpService.JSONEncode("phc_test"), events, "2026-01-02T03:04:05.678Z");
		expect(HttpService.JSONDecode(body)).toEqual({
			api_key: "phc_test",
			batch: [
				{ event: "a", uuid: "1" },
				{ event: "b", uuid: "2" },
			],
			sent_at: "2026-01-02T03:04:05.678Z",
		});
	});

	it("leaves out historical_migration", () => {
		const body = buildBatchBody('"phc_test"', ["{}"], "2026-01-02T03:04:05.678Z");
		expect(body.find("historical_migration", 1, true)[0]).toBeUndefined();
	});

	it("keeps an api key with characters that need escaping intact", () => {
		const body = buildBatchBody(HttpService.JSONEncode('phc_"quoted"\\'), ["{}"], "2026-01-02T03:04:05.678Z");
		expect((HttpService.JSONDecode(body) as { api_key: string }).api_key).toBe('phc_"quoted"\\');
	});
});
