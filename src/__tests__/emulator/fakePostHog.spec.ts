// The fake PostHog (test/host/fakePostHog.mjs) as SDK specs rely on it: scripts, seeded faults,
// /flags shapes, /flags/definitions auth and ETags, and what it records. Requests are made by
// Luau in a world's server peer, through the emulated HttpService.
import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, Peer, World } from "../support/emulator";
import { FakePostHog, FakeRoute } from "../support/fakePostHog";

interface Answer {
	status: number;
	headers: Record<string, string>;
	body: string;
	/** Decoded body, when it is JSON. */
	json?: Record<string, unknown>;
	/** World time when the answer arrived. */
	at: number;
}

const PATHS: Record<FakeRoute, string> = { batch: "/batch/", flags: "/flags/?v=2", definitions: "/flags/definitions" };

let world: World;
let fake: FakePostHog;
let server: Peer;

beforeEach(() => {
	world = createWorld();
	fake = FakePostHog.create();
	server = world.startServer({ httpEnabled: true });
});
afterEach(() => {
	world.destroy();
	fake.close();
});

/**
 * Sends `count` requests one after another from the server and returns the answers (a string
 * for a raised error). `body` is Luau source for the body (default: a small batch).
 */
function send(
	route: FakeRoute,
	options: { count?: number; body?: string; headers?: string; path?: string; seconds?: number } = {},
): Array<Answer | string> {
	const method = route === "definitions" ? "GET" : "POST";
	const body = options.body ?? (method === "GET" ? "nil" : `'{"api_key":"phc_test","batch":[]}'`);
	server.runSource(`
local HttpService = game:GetService("HttpService")
local answers = {}
_G.answers = answers
task.spawn(function()
	for i = 1, ${options.count ?? 1} do
		local ok, response = pcall(function()
			return HttpService:RequestAsync({
				Url = "${fake.url}${options.path ?? PATHS[route]}", Method = "${method}", Body = ${body},
				Headers = ${options.headers ?? "{}"},
			})
		end)
		if ok then
			local decoded, json = pcall(HttpService.JSONDecode, HttpService, response.Body)
			answers[i] = { status = response.StatusCode, headers = response.Headers, body = response.Body, json = if decoded then json else nil, at = os.clock() }
		else
			answers[i] = tostring(response)
		end
	end
end)`);
	world.runFor(options.seconds ?? 0.5);
	return server.G.answers as Array<Answer | string>;
}

function statuses(answers: Array<Answer | string>): Array<number | string> {
	return answers.map((answer) => (typeIs(answer, "string") ? answer : answer.status));
}

describe("scripted responses", () => {
	it("are consumed in order, then the route's default answer returns", () => {
		fake.script("batch", [{ status: 500 }, { status: 429, headers: { "Retry-After": "3" } }, { status: 413 }]);
		const answers = send("batch", { count: 4 }) as Answer[];
		expect(statuses(answers)).toEqual([500, 429, 413, 200]);
		expect(answers[1].headers["retry-after"]).toBe("3");
		expect(answers[3].json).toEqual({ status: 1 });
		expect(fake.requests().map((r) => r.status)).toEqual([500, 429, 413, 200]);
	});

	it("belong to one route", () => {
		fake.script("flags", [{ status: 503 }]);
		expect(statuses(send("batch"))).toEqual([200]);
		expect(statuses(send("flags", { body: `'{"distinct_id":"u1"}'` }))).toEqual([503]);
	});

	it("keep the default answer's other fields", () => {
		fake.script("batch", [{ delaySeconds: 2 }]);
		const answers = send("batch", { seconds: 3 }) as Answer[];
		expect(answers[0].status).toBe(200);
		expect(answers[0].json).toEqual({ status: 1 });
		expect(answers[0].at).toBeCloseTo(2, 1);
	});

	it("are replaced by the next script call", () => {
		fake.script("batch", [{ status: 500 }, { status: 500 }]);
		fake.script("batch", [{ status: 502 }]);
		expect(statuses(send("batch", { count: 2 }))).toEqual([502, 200]);
	});
});

describe("seeded faults", () => {
	const OPTIONS = { rate: 0.5, kinds: ["500", "503", "429"] as Array<"500" | "503" | "429">, retryAfterSeconds: 9 };

	function faultRun(seed: number): string[] {
		fake.clear();
		fake.faults({ ...OPTIONS, seed });
		send("batch", { count: 16, seconds: 1 });
		return fake.requests().map((r) => r.fault ?? "none");
	}

	it("repeat exactly for the same seed and request order", () => {
		const first = faultRun(7);
		const second = faultRun(7);
		expect(second).toEqual(first);
		expect(first.filter((f) => f !== "none").size()).toBeGreaterThan(0);
		expect(first.filter((f) => f === "none").size()).toBeGreaterThan(0);
	});

	it("differ for another seed", () => {
		expect(faultRun(8)).never.toEqual(faultRun(7));
	});

	it("answer with the fault's status and Retry-After on 429", () => {
		fake.faults({ ...OPTIONS, rate: 1, kinds: ["429"], seed: 1 });
		const answers = send("batch") as Answer[];
		expect(answers[0].status).toBe(429);
		expect(answers[0].headers["retry-after"]).toBe("9");
		expect(fake.requests()[0].fault).toBe("429");
	});

	it("apply only to the chosen routes and stop when turned off", () => {
		fake.faults({ rate: 1, kinds: ["500"], seed: 1, routes: ["flags"] });
		expect(statuses(send("batch"))).toEqual([200]);
		expect(statuses(send("flags", { body: `'{"distinct_id":"u1"}'` }))).toEqual([500]);
		fake.faults(undefined);
		expect(statuses(send("flags", { body: `'{"distinct_id":"u1"}'` }))).toEqual([200]);
	});

	it("give way to scripted responses", () => {
		fake.faults({ rate: 1, kinds: ["500"], seed: 1 });
		fake.script("batch", [{ status: 201 }]);
		expect(statuses(send("batch", { count: 2 }))).toEqual([201, 500]);
	});

	it("turn a reset fault into HttpError: ConnectionClosed", () => {
		fake.faults({ rate: 1, kinds: ["reset"], seed: 1 });
		const answers = send("batch");
		expect(answers[0]).toContain("HttpError: ConnectionClosed");
		expect(fake.requests()[0].status).toBe("reset");
	});

	it("turn a timeout fault into HttpError: Timedout at the client's Timeout", () => {
		fake.faults({ rate: 1, kinds: ["timeout"], seed: 1 });
		const answers = send("batch", { body: `'{"batch":[]}', Timeout = 2`, seconds: 2.5 });
		expect(answers[0]).toContain("HttpError: Timedout");
		expect(fake.requests()[0].status).toBe("timeout");
	});
});

describe("/flags", () => {
	const FLAGS_BODY = `'{"api_key":"phc_test","distinct_id":"u1"}'`;

	beforeEach(() => {
		fake.flags({
			flags: {
				beta: true,
				off: false,
				experiment: "control",
				priced: { enabled: true, payload: { price: 5 }, id: 42, version: 3 },
			},
			byDistinctId: { u2: { beta: false } },
		});
	});

	it("answers in the v2 shape by default", () => {
		const json = (send("flags", { body: FLAGS_BODY }) as Answer[])[0].json!;
		const flags = json.flags as Record<string, Record<string, unknown>>;
		expect(flags.beta.key).toBe("beta");
		expect(flags.beta.enabled).toBe(true);
		expect(flags.beta.variant).toBe(undefined); // null in the JSON
		expect(flags.off.enabled).toBe(false);
		expect((flags.off.reason as Record<string, unknown>).code).toBe("no_condition_match");
		expect(flags.experiment.variant).toBe("control");
		expect(flags.priced.metadata).toEqual({ id: 42, version: 3, payload: '{"price":5}' });
		expect(json.errorsWhileComputingFlags).toBe(false);
		expect(typeIs(json.requestId, "string")).toBe(true);
	});

	it("answers in the legacy shape when asked", () => {
		fake.flags({
			flags: { beta: true, off: false, experiment: "control", priced: { enabled: true, payload: { price: 5 } } },
			shape: "legacy",
		});
		const json = (send("flags", { body: FLAGS_BODY }) as Answer[])[0].json!;
		expect(json.featureFlags).toEqual({ beta: true, off: false, experiment: "control", priced: true });
		expect(json.featureFlagPayloads).toEqual({ priced: '{"price":5}' });
		expect(json.flags).toBe(undefined);
	});

	it("applies per-distinct_id overrides and flag_keys_to_evaluate", () => {
		const answers = send("flags", {
			body: `'{"api_key":"phc_test","distinct_id":"u2","flag_keys_to_evaluate":["beta","off"]}'`,
		}) as Answer[];
		const flags = answers[0].json!.flags as Record<string, Record<string, unknown>>;
		expect(flags.beta.enabled).toBe(false);
		expect(flags.off.enabled).toBe(false);
		expect(flags.experiment).toBe(undefined);
	});

	it("answers with no flags and quotaLimited when quota limited", () => {
		fake.flags({ flags: { beta: true }, quotaLimited: true });
		const json = (send("flags", { body: FLAGS_BODY }) as Answer[])[0].json!;
		expect(json.quotaLimited).toEqual(["feature_flags"]);
		expect(json.flags).toEqual([]); // an empty object decodes to an empty table
	});

	it("answers 400 to a body that is not JSON", () => {
		expect(statuses(send("flags", { body: `"not json"` }))).toEqual([400]);
	});
});

describe("/flags/definitions", () => {
	const BEARER = `{ Authorization = "Bearer phx_personal" }`;

	it("answers 401 without a Bearer key", () => {
		expect(statuses(send("definitions"))).toEqual([401]);
		expect(statuses(send("definitions", { headers: `{ Authorization = "phx_personal" }` }))).toEqual([401]);
	});

	it("serves the configured body with its ETag to any Bearer key", () => {
		fake.definitions('{"flags":[{"key":"beta"}],"group_type_mapping":{},"cohorts":{}}', '"v1"');
		const answer = (send("definitions", { headers: BEARER }) as Answer[])[0];
		expect(answer.status).toBe(200);
		expect(answer.headers.etag).toBe('"v1"');
		expect(answer.body).toBe('{"flags":[{"key":"beta"}],"group_type_mapping":{},"cohorts":{}}');
	});

	it("answers 304 with no body when If-None-Match matches the ETag", () => {
		fake.definitions('{"flags":[]}', '"v1"');
		const same = (
			send("definitions", { headers: `{ Authorization = "Bearer k", ["If-None-Match"] = '"v1"' }` }) as Answer[]
		)[0];
		expect(same.status).toBe(304);
		expect(same.body).toBe("");
		const stale = (
			send("definitions", { headers: `{ Authorization = "Bearer k", ["If-None-Match"] = '"v0"' }` }) as Answer[]
		)[0];
		expect(stale.status).toBe(200);
	});

	it("checks the key when one is configured", () => {
		fake.definitions('{"flags":[]}', undefined, "phx_right");
		expect(statuses(send("definitions", { headers: `{ Authorization = "Bearer phx_wrong" }` }))).toEqual([401]);
		expect(statuses(send("definitions", { headers: `{ Authorization = "Bearer phx_right" }` }))).toEqual([200]);
	});
});

describe("recorded requests", () => {
	it("hold the method, route, path, query, headers, body, size, arrival time and status", () => {
		world.runFor(4);
		send("batch", { path: "/batch/?compression=none&x=1", headers: `{ ["Content-Type"] = "application/json" }` });
		const record = fake.requests()[0];
		expect(record.seq).toBe(1);
		expect(record.route).toBe("batch");
		expect(record.method).toBe("POST");
		expect(record.path).toBe("/batch/");
		expect(record.query).toEqual({ compression: "none", x: "1" });
		expect(record.headers["content-type"]).toBe("application/json");
		expect(record.headers["x-emulator-request-id"]).toBe(undefined);
		expect(record.gzip).toBe(false);
		expect(record.bodyText).toBe('{"api_key":"phc_test","batch":[]}');
		expect(record.bytes).toBe(record.bodyText!.size());
		expect(record.json).toEqual({ api_key: "phc_test", batch: [] });
		expect(record.receivedAt).toBe(4);
		expect(record.status).toBe(200);
	});

	it("decompress gzip bodies and keep their wire size", () => {
		server.runSource(`
local HttpService = game:GetService("HttpService")
task.spawn(function()
	HttpService:RequestAsync({
		Url = "${fake.url}/batch/", Method = "POST", Compress = Enum.HttpCompression.Gzip,
		Body = HttpService:JSONEncode({ api_key = "phc_test", batch = { { event = "e1", distinct_id = "1" } } }),
	})
end)`);
		world.runFor(0.5);
		const record = fake.requests()[0];
		expect(record.gzip).toBe(true);
		expect(record.bytes).never.toBe(record.bodyText!.size());
		expect(fake.events().map((e) => e.event)).toEqual(["e1"]);
	});

	it("route unknown paths to other with 404 and wrong methods to 405", () => {
		send("batch", { path: "/decide/?v=3" });
		send("definitions", { path: "/batch/" });
		expect(fake.requests().map((r) => [r.route, r.status])).toEqual([
			["other", 404],
			["batch", 405],
		]);
	});

	it("are forgotten by clear, which keeps counting seq", () => {
		send("batch", { count: 2 });
		fake.clear();
		send("batch");
		const records = fake.requests();
		expect(records.size()).toBe(1);
		expect(records[0].seq).toBe(3);
	});

	it("mark a request the client gave up on as aborted", () => {
		fake.script("batch", [{ delaySeconds: 30 }]);
		send("batch", { body: `'{"batch":[]}', Timeout = 2`, seconds: 3 });
		world.runFor(0.1);
		expect(fake.requests()[0].status).toBe("aborted");
	});
});
