import { describe, expect, it } from "@rbxts/jest-globals";
import { buildFlagsRequest, FlagsRequestInput } from "../../../core/flags/buildFlagsRequest";
import { HttpRequest } from "../../../core/platform";
import { harnessJson } from "../../support/fakePlatform";

function request(overrides: Partial<FlagsRequestInput> = {}): HttpRequest {
	const result = buildFlagsRequest(
		{ host: "https://us.i.posthog.com", apiKey: "phc_test", distinctId: "123", ...overrides },
		harnessJson,
	);
	assert(result.kind === "request", "the request builds");
	return result.request;
}

function body(overrides: Partial<FlagsRequestInput> = {}): Record<string, unknown> {
	return harnessJson.decode(request(overrides).body!) as Record<string, unknown>;
}

describe("buildFlagsRequest", () => {
	it("posts to /flags/?v=2 with a 3 s timeout and no Authorization header", () => {
		expect(request()).toMatchObject({
			url: "https://us.i.posthog.com/flags/?v=2",
			method: "POST",
			headers: { "content-type": "application/json" },
			gzip: false,
			timeoutSeconds: 3,
		});
		expect(request().headers.authorization).toBe(undefined);
	});

	it("carries the key as token (never also as api_key), the distinct id, and geoip_disable", () => {
		expect(body()).toEqual({
			token: "phc_test",
			distinct_id: "123",
			groups: {},
			person_properties: {},
			group_properties: {},
			geoip_disable: true,
		});
	});

	it("writes empty groups and properties as {} (JSONEncode alone would write [])", () => {
		const text = request().body!;
		for (const field of ['"groups":{}', '"person_properties":{}', '"group_properties":{}']) {
			expect(text.find(field, 1, true)[0] !== undefined ? field : `missing ${field} in ${text}`).toBe(field);
		}
	});

	it("writes a group without properties as {}", () => {
		const text = request({ groups: { company: "acme" }, groupProperties: { company: {} } }).body!;
		expect(text.find('"group_properties":{"company":{}}', 1, true)[0] !== undefined).toBe(true);
	});

	it("carries groups, person and group properties", () => {
		expect(
			body({
				groups: { company: "acme" },
				personProperties: { level: 12, is_vip: true },
				groupProperties: { company: { size: 500 } },
			}),
		).toMatchObject({
			groups: { company: "acme" },
			person_properties: { level: 12, is_vip: true },
			group_properties: { company: { size: 500 } },
		});
	});

	it("names the flags to evaluate only when asked", () => {
		expect(body({ flagKeys: ["the-flag"] }).flag_keys_to_evaluate).toEqual(["the-flag"]);
		expect(body().flag_keys_to_evaluate).toBe(undefined);
	});

	it("sends device_id when known", () => {
		expect(body({ deviceId: "dev_1" }).device_id).toBe("dev_1");
	});

	it("sends geoip_disable false when asked", () => {
		expect(body({ geoipDisable: false }).geoip_disable).toBe(false);
	});

	it("reports properties that can't be encoded instead of throwing", () => {
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		const result = buildFlagsRequest(
			{ host: "https://us.i.posthog.com", apiKey: "phc_test", distinctId: "123", personProperties: { cyclic } },
			harnessJson,
		);
		expect(result.kind).toBe("unencodable");
	});
});
