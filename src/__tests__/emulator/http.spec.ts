// HttpService:RequestAsync as the SDK relies on it (platform.md §1): what reaches the server, what
// comes back, which errors are raised, limits, and how requests move with the world clock. Each
// behaviour runs as Luau in a world's server peer against a fake PostHog on loopback.
import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, Peer, World } from "../support/emulator";
import { FakePostHog } from "../support/fakePostHog";

const USER_AGENT = "RobloxGameCloud/1.0 (+http://www.roblox.com)";

describe("HttpService:RequestAsync", () => {
	let world: World;
	let fake: FakePostHog;
	let server: Peer;

	/** Runs Luau in the server with HttpService, URL (the fake's base URL) and request(options) in scope. */
	function run(source: string) {
		server.runSource(`
local HttpService = game:GetService("HttpService")
local URL = "${fake.url}"
-- Calls RequestAsync under pcall; returns the response, or nil and the error text.
local function request(options)
	local ok, result = pcall(function()
		return HttpService:RequestAsync(options)
	end)
	if ok then
		return result
	end
	return nil, tostring(result)
end
${source}
`);
	}

	beforeEach(() => {
		world = createWorld();
		fake = FakePostHog.create();
		server = world.startServer({ httpEnabled: true });
	});
	afterEach(() => {
		world.destroy();
		fake.close();
	});

	describe("what the server receives", () => {
		it("delivers the method, path, query, headers and body", () => {
			run(`
task.spawn(function()
	_G.response = request({
		Url = URL .. "/batch/?ver=1.0",
		Method = "POST",
		Headers = { ["Content-Type"] = "application/json", ["X-Test"] = "abc" },
		Body = '{"api_key":"phc_test","batch":[]}',
	})
end)`);
			world.runFor(0.1);
			const requests = fake.requests();
			expect(requests.size()).toBe(1);
			const received = requests[0];
			expect(received.method).toBe("POST");
			expect(received.path).toBe("/batch/");
			expect(received.query.ver).toBe("1.0");
			expect(received.headers["content-type"]).toBe("application/json");
			expect(received.headers["x-test"]).toBe("abc");
			expect(received.bodyText).toBe('{"api_key":"phc_test","batch":[]}');
			expect((server.G.response as { StatusCode: number }).StatusCode).toBe(200);
		});

		it("adds Roblox's default headers and no Content-Type", () => {
			run(`task.spawn(request, { Url = URL .. "/flags/definitions", Method = "GET" })`);
			world.runFor(0.1);
			const headers = fake.requests()[0].headers;
			expect(headers["user-agent"]).toBe(USER_AGENT);
			expect(headers["roblox-id"]).toBe("1818");
			expect(headers.accept).toBe("*/*");
			expect(headers["cache-control"]).toBe("no-cache");
			expect(headers["content-type"]).toBe(undefined);
		});

		it("lets callers override Accept and Cache-Control", () => {
			run(`task.spawn(request, {
	Url = URL .. "/flags/definitions", Method = "GET",
	Headers = { Accept = "application/json", ["Cache-Control"] = "max-age=0" },
})`);
			world.runFor(0.1);
			const headers = fake.requests()[0].headers;
			expect(headers.accept).toBe("application/json");
			expect(headers["cache-control"]).toBe("max-age=0");
		});

		it("gzips the body and sets content-encoding: gzip when Compress is Gzip", () => {
			let events = "";
			for (let i = 0; i < 20; i++) events += '{"event":"e","distinct_id":"1"},';
			const body = `{"api_key":"phc_test","batch":[${events}{"event":"last"}]}`;
			run(`
task.spawn(request, {
	Url = URL .. "/batch/", Method = "POST", Body = [[${body}]],
	Headers = { ["Content-Type"] = "application/json" }, Compress = Enum.HttpCompression.Gzip,
})`);
			world.runFor(0.1);
			const received = fake.requests()[0];
			expect(received.gzip).toBe(true);
			expect(received.headers["content-encoding"]).toBe("gzip");
			expect(received.bodyText).toBe(body);
			expect(received.bytes).never.toBe(body.size());
			expect(received.status).toBe(200);
		});

		it("sends the body as it is when Compress is None or absent", () => {
			run(`
task.spawn(request, { Url = URL .. "/batch/", Method = "POST", Body = "{}", Compress = Enum.HttpCompression.None })
task.spawn(request, { Url = URL .. "/batch/", Method = "POST", Body = "{}" })`);
			world.runFor(0.1);
			const requests = fake.requests();
			expect(requests.size()).toBe(2);
			for (const received of requests) {
				expect(received.gzip).toBe(false);
				expect(received.headers["content-encoding"]).toBe(undefined);
				expect(received.bytes).toBe(2);
				expect(received.bodyText).toBe("{}");
			}
		});

		it("accepts Content-Type and Content-Encoding from the caller", () => {
			run(`
task.spawn(function()
	_G.response, _G.err = request({
		Url = URL .. "/batch/", Method = "POST", Body = "{}", Compress = Enum.HttpCompression.Gzip,
		Headers = { ["Content-Type"] = "application/json", ["Content-Encoding"] = "gzip" },
	})
end)`);
			world.runFor(0.1);
			expect(server.G.err).toBe(undefined);
			const received = fake.requests()[0];
			expect(received.headers["content-type"]).toBe("application/json");
			expect(received.headers["content-encoding"]).toBe("gzip");
			expect(received.bodyText).toBe("{}");
		});
	});

	describe("responses", () => {
		it("returns a non-2xx answer with Success = false, its status, body and lowercased headers", () => {
			fake.script("batch", [
				{ status: 429, headers: { "Retry-After": "7", "X-Request-Id": "r1" }, body: '{"detail":"slow down"}' },
			]);
			run(`
task.spawn(function()
	_G.response, _G.err = request({ Url = URL .. "/batch/", Method = "POST", Body = "{}" })
end)`);
			world.runFor(0.1);
			expect(server.G.err).toBe(undefined);
			const response = server.G.response as {
				Success: boolean;
				StatusCode: number;
				StatusMessage: string;
				Body: string;
				Headers: Record<string, string>;
			};
			expect(response.Success).toBe(false);
			expect(response.StatusCode).toBe(429);
			expect(response.StatusMessage).toBe("Too Many Requests");
			expect(response.Body).toBe('{"detail":"slow down"}');
			expect(response.Headers["retry-after"]).toBe("7");
			expect(response.Headers["x-request-id"]).toBe("r1");
			expect(response.Headers["Retry-After"]).toBe(undefined);
		});

		it("sets Success exactly for statuses 200 to 299", () => {
			const statuses = [200, 204, 299, 300, 400, 404, 500, 503];
			fake.script(
				"batch",
				statuses.map((status) => ({ status })),
			);
			run(`
_G.results = {}
task.spawn(function()
	for i = 1, ${statuses.size()} do
		local response, err = request({ Url = URL .. "/batch/", Method = "POST", Body = "{}" })
		_G.results[i] = if response then { response.StatusCode, response.Success } else err
	end
end)`);
			world.runFor(0.5);
			const results = server.G.results as Array<[number, boolean]>;
			expect(results.size()).toBe(statuses.size());
			statuses.forEach((status, i) => {
				expect(results[i]).toEqual([status, status >= 200 && status <= 299]);
			});
		});
	});

	describe("threads and the world clock", () => {
		it("yields only the calling thread while the request is in flight", () => {
			fake.script("batch", [{ delaySeconds: 5 }]);
			run(`
_G.ticks = 0
task.spawn(function()
	while true do
		task.wait(1)
		_G.ticks += 1
	end
end)
task.spawn(function()
	request({ Url = URL .. "/batch/", Method = "POST", Body = "{}" })
	_G.doneAt = os.clock()
end)
_G.scriptContinued = _G.doneAt == nil`);
			expect(server.G.scriptContinued).toBe(true);
			world.runFor(3);
			expect(server.G.ticks).toBe(3);
			expect(server.G.doneAt).toBe(undefined);
			world.runFor(2.5);
			expect(server.G.doneAt).toBeCloseTo(5, 1);
			expect(server.G.ticks).toBe(5);
		});

		it("runs two requests concurrently", () => {
			fake.script("batch", [{ delaySeconds: 5 }, { delaySeconds: 5 }]);
			run(`
_G.doneAt = {}
for i = 1, 2 do
	task.spawn(function()
		request({ Url = URL .. "/batch/", Method = "POST", Body = "{}" })
		_G.doneAt[i] = os.clock()
	end)
end`);
			world.runFor(5.5);
			const doneAt = server.G.doneAt as number[];
			expect(doneAt[0]).toBeCloseTo(5, 1);
			expect(doneAt[1]).toBeCloseTo(5, 1);
			const requests = fake.requests();
			expect(requests[0].receivedAt).toBe(0);
			expect(requests[1].receivedAt).toBe(0);
		});

		it("delivers a response delayed by 10 s after 10 s of world time, not before", () => {
			fake.script("batch", [{ delaySeconds: 10 }]);
			run(`
task.spawn(function()
	_G.response = request({ Url = URL .. "/batch/", Method = "POST", Body = "{}" })
	_G.doneAt = os.clock()
end)`);
			world.runFor(9.9);
			expect(server.G.doneAt).toBe(undefined);
			world.runFor(0.2);
			expect(server.G.doneAt).toBeCloseTo(10, 1);
			expect((server.G.response as { StatusCode: number }).StatusCode).toBe(200);
		});

		it("raises HttpError: Timedout after Timeout seconds of world time, not before", () => {
			fake.script("batch", [{ timeout: true }]);
			run(`
task.spawn(function()
	_G.response, _G.err = request({ Url = URL .. "/batch/", Method = "POST", Body = "{}", Timeout = 3 })
	_G.failedAt = os.clock()
end)`);
			// Nothing is unsettled while the fake holds the request, so the world never waits on
			// the wall clock: these 3 s of world time take no real time.
			world.runFor(2.9);
			expect(server.G.failedAt).toBe(undefined);
			world.runFor(0.2);
			expect(server.G.response).toBe(undefined);
			expect(server.G.err).toContain("HttpError: Timedout");
			expect(server.G.failedAt).toBeCloseTo(3, 1);
			expect(fake.requests()[0].status).toBe("timeout");
		});

		it("starts each world's requests at that world's time", () => {
			world.runFor(100);
			world.destroy();
			world = createWorld();
			server = world.startServer({ httpEnabled: true });
			fake.script("batch", [{ delaySeconds: 2 }]);
			run(`
task.spawn(function()
	request({ Url = URL .. "/batch/", Method = "POST", Body = "{}" })
	_G.doneAt = os.clock()
end)`);
			world.runFor(3);
			expect(fake.requests()[0].receivedAt).toBe(0);
			expect(server.G.doneAt).toBeCloseTo(2, 1);
		});
	});

	describe("errors", () => {
		it("raises when HttpEnabled is false and sends nothing", () => {
			const offline = world.startServer({ name: "offline" });
			offline.runSource(`
local HttpService = game:GetService("HttpService")
_G.ok, _G.err = pcall(function()
	return HttpService:RequestAsync({ Url = "${fake.url}/batch/", Method = "POST", Body = "{}" })
end)`);
			world.runFor(0.1);
			expect(offline.G.ok).toBe(false);
			expect(offline.G.err).toContain("Http requests are not enabled. Enable via game settings");
			expect(fake.requests().size()).toBe(0);
		});

		it("does not let scripts set HttpEnabled", () => {
			const offline = world.startServer({ name: "offline" });
			offline.runSource(`
local HttpService = game:GetService("HttpService")
_G.ok = pcall(function()
	HttpService.HttpEnabled = true
end)
_G.enabled = HttpService.HttpEnabled`);
			expect(offline.G.ok).toBe(false);
			expect(offline.G.enabled).toBe(false);
		});

		it.each([["User-Agent"], ["Content-Length"], ["Host"], ["Accept-Encoding"], ["Connection"], ["Roblox-Id"]])(
			'raises Header "%s" is not allowed! for that locked header',
			(name: string) => {
				run(
					`_G.response, _G.err = request({ Url = URL .. "/batch/", Method = "POST", Body = "{}", Headers = { ["${name}"] = "x" } })`,
				);
				expect(server.G.err).toContain(`Header "${name}" is not allowed!`);
				world.runFor(0.1);
				expect(fake.requests().size()).toBe(0);
			},
		);

		it.each([["GET"], ["HEAD"]])("raises for a Body on a %s request", (method: string) => {
			run(`_G.response, _G.err = request({ Url = URL .. "/flags/definitions", Method = "${method}", Body = "{}" })`);
			expect(server.G.err).toContain("Invalid request options, Body should be empty for 'GET' or 'HEAD' method");
			world.runFor(0.1);
			expect(fake.requests().size()).toBe(0);
		});

		it("raises HttpError: ConnectFail when nothing listens on the port", () => {
			const closed = FakePostHog.create();
			const closedUrl = closed.url;
			closed.close();
			run(`
task.spawn(function()
	_G.response, _G.err = request({ Url = "${closedUrl}/batch/", Method = "POST", Body = "{}" })
end)`);
			world.runFor(0.1);
			expect(server.G.response).toBe(undefined);
			expect(server.G.err).toContain("HttpError: ConnectFail");
		});

		it("raises HttpError: ConnectionClosed when the server resets the connection", () => {
			fake.script("batch", [{ reset: true }]);
			run(`
task.spawn(function()
	_G.response, _G.err = request({ Url = URL .. "/batch/", Method = "POST", Body = "{}" })
end)`);
			world.runFor(0.1);
			expect(server.G.response).toBe(undefined);
			expect(server.G.err).toContain("HttpError: ConnectionClosed");
			expect(fake.requests()[0].status).toBe("reset");
		});

		it("raises Http requests can only be executed by game server on a client", () => {
			const client = world.joinPlayer();
			client.runSource(`
local HttpService = game:GetService("HttpService")
_G.ok, _G.err = pcall(function()
	return HttpService:RequestAsync({ Url = "${fake.url}/batch/", Method = "POST", Body = "{}" })
end)`);
			world.runFor(0.1);
			expect(client.G.ok).toBe(false);
			expect(client.G.err).toContain("Http requests can only be executed by game server");
			expect(fake.requests().size()).toBe(0);
		});
	});

	describe("limits", () => {
		it("raises on the 501st request within 60 s and frees the budget after 60 s of world time", () => {
			run(`
_G.finished = 0
for _ = 1, 500 do
	task.spawn(function()
		request({ Url = URL .. "/flags/definitions", Method = "GET" })
		_G.finished += 1
	end)
end
_G.response, _G.err = request({ Url = URL .. "/flags/definitions", Method = "GET" })`);
			world.runFor(0.1);
			expect(server.G.finished).toBe(500);
			expect(server.G.err).toContain("Number of requests exceeded limit");
			expect(fake.requests().size()).toBe(500);

			world.runFor(59.8); // 59.9 s after the burst
			run(`_G.response, _G.err = request({ Url = URL .. "/flags/definitions", Method = "GET" })`);
			expect(server.G.err).toContain("Number of requests exceeded limit");

			world.runFor(0.1); // 60 s after the burst
			run(
				`task.spawn(function() _G.response, _G.err = request({ Url = URL .. "/flags/definitions", Method = "GET" }) end)`,
			);
			world.runFor(0.1);
			expect(server.G.err).toBe(undefined);
			expect((server.G.response as { StatusCode: number }).StatusCode).toBe(401);
			expect(fake.requests().size()).toBe(501);
		});

		it("never lets a request leave the machine for a non-loopback host", () => {
			run(`
_G.errors = {}
for i, url in { "https://us.i.posthog.com/batch/", "http://example.com/", "http://10.0.0.1/", "http://127.0.0.1.nip.io/" } do
	task.spawn(function()
		local response, err = request({ Url = url, Method = "POST", Body = "{}" })
		_G.errors[i] = err or "answered"
	end)
end`);
			world.runFor(0.1);
			const errors = server.G.errors as string[];
			expect(errors.size()).toBe(4);
			for (const err of errors) expect(err).toContain("HttpError: DnsResolve");
		});
	});
});

describe("HttpService:GenerateGUID", () => {
	let world: World;
	afterEach(() => world.destroy());

	it("returns an uppercase 36-character v4 GUID without braces when passed false", () => {
		world = createWorld();
		const server = world.startServer();
		server.runSource(`_G.guid = game:GetService("HttpService"):GenerateGUID(false)`);
		const guid = server.G.guid as string;
		expect(guid.size()).toBe(36);
		expect(guid.upper()).toBe(guid);
		expect(guid).toMatch("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-4%x%x%x%-[89AB]%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$");
	});

	it("wraps the GUID in braces by default", () => {
		world = createWorld();
		const server = world.startServer();
		server.runSource(`_G.guid = game:GetService("HttpService"):GenerateGUID()`);
		const guid = server.G.guid as string;
		expect(guid.size()).toBe(38);
		expect(guid).toMatch("^{%x+%-%x+%-%x+%-%x+%-%x+}$");
	});
});
