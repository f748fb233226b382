import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, Peer, World } from "../support/emulator";

// Runs Luau in a server thread (storage calls yield) and returns what it returned or raised.
let runs = 0;
function run(world: World, server: Peer, source: string, maxSeconds = 600): { ok: boolean; value: unknown } {
	runs += 1;
	const key = `__run${runs}`;
	server.runSource(`
local MemoryStoreService = game:GetService("MemoryStoreService")
local DataStoreService = game:GetService("DataStoreService")
local ok, value = pcall(function()
${source}
end)
_G.${key} = { ok = ok, value = value }`);
	world.runUntil(() => server.G[key] !== undefined, maxSeconds);
	const result = server.G[key] as { ok: boolean; value: unknown } | undefined;
	if (result === undefined) error(`storage spec: the script did not finish within ${maxSeconds} s`);
	return result;
}

function value(world: World, server: Peer, source: string): unknown {
	const result = run(world, server, source);
	if (!result.ok) error(`storage spec: ${tostring(result.value)}`);
	return result.value;
}

function failure(world: World, server: Peer, source: string): string {
	const result = run(world, server, source);
	expect(result.ok).toBe(false);
	return tostring(result.value);
}

describe("MemoryStoreService queues", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	it("reads items by priority, then oldest first, and returns an id for RemoveAsync", () => {
		const read = value(
			world,
			server,
			`local q = MemoryStoreService:GetQueue("q")
q:AddAsync("a", 600)
q:AddAsync("b", 600)
q:AddAsync("urgent", 600, 5)
local items, id = q:ReadAsync(3, false, 0)
return { items = items, hasId = type(id) == "string" }`,
		);
		expect(read).toEqual({ items: ["urgent", "a", "b"], hasId: true });
	});

	it("hides read items for the invisibility timeout, then shows them again unless removed", () => {
		const sizes = value(
			world,
			server,
			`local q = MemoryStoreService:GetQueue("q", 10)
q:AddAsync({ n = 1 }, 600)
q:AddAsync({ n = 2 }, 600)
local first, firstId = q:ReadAsync(1, false, 0)
local during = q:GetSizeAsync(true)
local second = q:ReadAsync(1, false, 0)
q:RemoveAsync(firstId)
task.wait(11)
local after = q:GetSizeAsync(true)
local again = q:ReadAsync(5, false, 0)
return { first = first[1].n, during = during, second = second[1].n, after = after, again = #again }`,
		);
		// item 1 removed; item 2 (read, not removed) is visible again after the timeout
		expect(sizes).toEqual({ first: 1, during: 1, second: 2, after: 1, again: 1 });
	});

	it("is shared by every server of the universe and outlives the server that wrote it", () => {
		value(world, server, `MemoryStoreService:GetQueue("spill"):AddAsync("kept", 600)`);
		world.kill(server);
		const other = world.startServer();
		const elsewhere = world.startServer({ gameId: 99 });
		expect(value(world, other, `return MemoryStoreService:GetQueue("spill"):ReadAsync(1, false, 0)[1]`)).toBe("kept");
		expect(value(world, elsewhere, `return MemoryStoreService:GetQueue("spill"):GetSizeAsync()`)).toBe(0);
	});

	it("drops items when their expiration passes on the world clock", () => {
		expect(
			value(
				world,
				server,
				`local q = MemoryStoreService:GetQueue("q")
q:AddAsync("short", 5)
q:AddAsync("long", 50)
task.wait(6)
return q:GetSizeAsync()`,
			),
		).toBe(1);
	});

	it("waits up to waitTimeout for items, and allOrNothing returns nothing until enough are there", () => {
		server.runSource(
			`task.delay(3, function() game:GetService("MemoryStoreService"):GetQueue("q"):AddAsync("late", 60) end)`,
		);
		const read = value(
			world,
			server,
			`local q = MemoryStoreService:GetQueue("q")
local none, noId = q:ReadAsync(2, true, 0)
local started = os.clock()
local items = q:ReadAsync(1, false, 10)
return { none = #none, noId = noId == nil, late = items[1], waited = os.clock() - started }`,
		);
		expect((read as { none: number }).none).toBe(0);
		expect((read as { noId: boolean }).noId).toBe(true);
		expect((read as { late: string }).late).toBe("late");
		expect((read as { waited: number }).waited).toBeGreaterThanOrEqual(3);
		expect((read as { waited: number }).waited).toBeLessThan(6);
	});

	it("yields a little world time on every call", () => {
		const elapsed = value(
			world,
			server,
			`local started = os.clock()
MemoryStoreService:GetQueue("q"):AddAsync(1, 60)
return os.clock() - started`,
		) as number;
		expect(elapsed).toBeGreaterThan(0);
		expect(elapsed).toBeLessThan(0.5);
	});

	it("refuses an item over 32 KB and an expiration over 45 days", () => {
		expect(failure(world, server, `MemoryStoreService:GetQueue("q"):AddAsync(string.rep("x", 32 * 1024), 60)`)).toMatch(
			"ItemValueSizeTooLarge",
		);
		expect(
			value(world, server, `MemoryStoreService:GetQueue("q"):AddAsync(string.rep("x", 32 * 1024 - 2), 60) return true`),
		).toBe(true);
		expect(failure(world, server, `MemoryStoreService:GetQueue("q"):AddAsync(1, 3888001)`)).toMatch("Expiration");
		expect(failure(world, server, `MemoryStoreService:GetQueue("q"):AddAsync(function() end, 60)`)).toMatch(
			"Cannot store function",
		);
	});

	it("fails writes past the memory quota of 64 KB + 1.2 KB per concurrent user", () => {
		const result = value(
			world,
			server,
			`local q = MemoryStoreService:GetQueue("q")
local added = 0
for i = 1, 10 do
	local ok = pcall(q.AddAsync, q, string.rep("x", 16 * 1024 - 2), 600)
	if ok then added += 1 end
end
return added`,
		);
		expect(result).toBe(4); // 4 x 16 KB = 64 KB
		expect(world.storageStats().memoryStore.quotaBytes).toBe(64 * 1024);
		world.configureStorage({ extraUsers: 100 });
		expect(
			value(world, server, `MemoryStoreService:GetQueue("q"):AddAsync(string.rep("x", 1000), 600) return true`),
		).toBe(true);
		expect(world.storageStats().memoryStore.quotaBytes).toBeCloseTo(64 * 1024 + 120 * 1024, 0);
	});

	it("throttles past 1000 + 100 x users request units a minute, reads costing one unit per item", () => {
		const result = value(
			world,
			server,
			`local q = MemoryStoreService:GetQueue("q")
for i = 1, 10 do q:AddAsync(i, 600) end
q:ReadAsync(10, false, 0) -- 10 units
local calls = 0
local message
while true do
	local ok, err = pcall(q.GetSizeAsync, q)
	if not ok then message = err break end
	calls += 1
end
return { calls = calls, message = message }`,
		) as { calls: number; message: string };
		expect(result.calls).toBe(1000 - 20);
		expect(result.message).toMatch("RequestThrottled");
		world.runFor(61);
		expect(value(world, server, `return MemoryStoreService:GetQueue("q"):GetSizeAsync()`)).toBe(10);
	});

	it("is not available on clients", () => {
		const client = world.joinPlayer();
		client.runSource(`_G.ok, _G.err = pcall(function() game:GetService("MemoryStoreService"):GetQueue("q") end)`);
		expect(client.G.ok).toBe(false);
		expect(tostring(client.G.err)).toMatch("only be used on the server");
	});
});

describe("MemoryStoreService sorted maps", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	it("sets, gets, updates, removes and ranges keys, with expirations", () => {
		const result = value(
			world,
			server,
			`local m = MemoryStoreService:GetSortedMap("m")
local isNew = m:SetAsync("b", { v = 1 }, 600)
local isNewAgain = m:SetAsync("b", { v = 2 }, 600)
m:SetAsync("a", "first", 600)
m:SetAsync("c", "short", 5)
local updated = m:UpdateAsync("b", function(old) return { v = old.v + 1 } end, 600)
local cancelled = m:UpdateAsync("a", function() return nil end, 600)
local range = m:GetRangeAsync(Enum.SortDirection.Descending, 10)
local keys = {}
for _, row in range do table.insert(keys, row.key) end
task.wait(6)
local expired = m:GetAsync("c")
m:RemoveAsync("a")
return { isNew = isNew, isNewAgain = isNewAgain, updated = updated.v, cancelled = cancelled == nil,
	keys = keys, expired = expired == nil, removed = m:GetAsync("a") == nil, b = m:GetAsync("b").v }`,
		);
		expect(result).toEqual({
			isNew: true,
			isNewAgain: false,
			updated: 3,
			cancelled: true,
			keys: ["c", "b", "a"],
			expired: true,
			removed: true,
			b: 3,
		});
	});

	it("refuses keys over 128 characters and values over 32 KB", () => {
		expect(
			failure(world, server, `MemoryStoreService:GetSortedMap("m"):SetAsync(string.rep("k", 129), 1, 60)`),
		).toMatch("128");
		expect(
			failure(world, server, `MemoryStoreService:GetSortedMap("m"):SetAsync("k", string.rep("x", 40000), 60)`),
		).toMatch("ItemValueSizeTooLarge");
	});
});

describe("DataStoreService", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	it("gets, sets, updates, increments, removes and lists keys, shared by the universe's servers", () => {
		value(
			world,
			server,
			`local store = DataStoreService:GetDataStore("events")
store:SetAsync("k1", { list = { 1, 2 } })
store:UpdateAsync("k1", function(old) table.insert(old.list, 3) return old end)
store:IncrementAsync("count", 5)
store:IncrementAsync("count")
store:SetAsync("gone", true)
store:RemoveAsync("gone")`,
		);
		world.kill(server);
		const other = world.startServer();
		const result = value(
			world,
			other,
			`local store = DataStoreService:GetDataStore("events")
local keys = {}
for _, row in store:ListKeysAsync():GetCurrentPage() do table.insert(keys, row.KeyName) end
return { list = store:GetAsync("k1").list, count = store:GetAsync("count"), gone = store:GetAsync("gone") == nil,
	keys = keys, otherScope = DataStoreService:GetDataStore("events", "x"):GetAsync("k1") == nil }`,
		);
		expect(result).toEqual({ list: [1, 2, 3], count: 6, gone: true, keys: ["count", "k1"], otherScope: true });
	});

	it("stores a copy: changing a table after SetAsync does not change the stored value", () => {
		expect(
			value(
				world,
				server,
				`local store = DataStoreService:GetDataStore("s")
local t = { n = 1 }
store:SetAsync("k", t)
t.n = 2
return store:GetAsync("k").n`,
			),
		).toBe(1);
	});

	it("refuses values over 4 MB, keys over 50 characters and values it cannot store", () => {
		expect(
			failure(world, server, `DataStoreService:GetDataStore("s"):SetAsync("k", string.rep("x", 4 * 1024 * 1024))`),
		).toMatch("105: Serialized value exceeds 4MB limit");
		expect(failure(world, server, `DataStoreService:GetDataStore("s"):SetAsync(string.rep("k", 51), 1)`)).toMatch(
			"102:",
		);
		expect(failure(world, server, `DataStoreService:GetDataStore("s"):SetAsync("k", { f = print })`)).toMatch("104:");
	});

	it("reports the requests left in each budget with GetRequestBudgetForRequestType", () => {
		world.joinPlayer();
		const budgets = value(
			world,
			server,
			`local store = DataStoreService:GetDataStore("budgets")
local function budget(kind) return DataStoreService:GetRequestBudgetForRequestType(Enum.DataStoreRequestType[kind]) end
local before = { set = budget("SetIncrementAsync"), get = budget("GetAsync") }
store:SetAsync("a", 1)
store:SetAsync("b", 2)
store:GetAsync("a")
return {
	before = before,
	set = budget("SetIncrementAsync"),
	get = budget("GetAsync"),
	update = budget("UpdateAsync"),
	list = budget("ListAsync"),
}`,
		) as { before: { set: number; get: number }; set: number; get: number; update: number; list: number };
		// 60 + 10 x 1 player a minute; ListAsync 5 + 2 x players.
		expect(budgets.before).toEqual({ set: 70, get: 70 });
		expect(budgets.set).toBe(68);
		expect(budgets.get).toBe(69);
		expect(budgets.update).toBe(68);
		expect(budgets.list).toBe(7);
	});

	it("queues requests over the server's budget and drops them when 30 are waiting", () => {
		const result = value(
			world,
			server,
			`local store = DataStoreService:GetDataStore("s")
local started = os.clock()
for i = 1, 60 do store:SetAsync("k", i) end -- the whole first minute's budget
local budgetSpent = os.clock() - started
local done, dropped, message = 0, 0, nil
for i = 1, 40 do
	task.spawn(function()
		local ok, err = pcall(store.SetAsync, store, "k", i)
		if ok then done += 1 else dropped += 1 message = err end
	end)
end
task.wait(60)
return { budgetSpent = budgetSpent, done = done, dropped = dropped, message = message }`,
		) as { budgetSpent: number; done: number; dropped: number; message: string };
		expect(result.budgetSpent).toBeLessThan(10);
		// tokens refilled during the first minute's latency let a few through at once
		expect(result.done + result.dropped).toBe(40);
		expect(result.done).toBeGreaterThanOrEqual(30);
		expect(result.dropped).toBeGreaterThanOrEqual(5);
		expect(result.message).toMatch("302: SetAsync request dropped");
	});

	it("is not available on clients", () => {
		const client = world.joinPlayer();
		client.runSource(`_G.ok, _G.err = pcall(function() game:GetService("DataStoreService"):GetDataStore("s") end)`);
		expect(client.G.ok).toBe(false);
		expect(tostring(client.G.err)).toMatch("DataStore can't be accessed from client");
	});
});

describe("world:storageFaults", () => {
	let world: World;
	let server: Peer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
	});
	afterEach(() => world.destroy());

	it("fails calls at the given rate with the given message, until cleared", () => {
		world.storageFaults({ memoryStore: { rate: 0.5, message: "Code: RequestThrottled, Error: scripted" } });
		const outcomes = value(
			world,
			server,
			`local q = MemoryStoreService:GetQueue("q")
local outcomes = {}
for i = 1, 4 do
	local ok, err = pcall(q.AddAsync, q, i, 60)
	table.insert(outcomes, if ok then "ok" else err)
end
return outcomes`,
		);
		expect(outcomes).toEqual([
			"ok",
			"Code: RequestThrottled, Error: scripted",
			"ok",
			"Code: RequestThrottled, Error: scripted",
		]);
		expect(world.storageStats().memoryStore.failures).toBe(2);
		world.storageFaults({ dataStore: { rate: 1 } });
		expect(failure(world, server, `DataStoreService:GetDataStore("s"):GetAsync("k")`)).toMatch("502:");
		expect(value(world, server, `return MemoryStoreService:GetQueue("q"):GetSizeAsync()`)).toBe(2);
		world.storageFaults(undefined);
		expect(value(world, server, `return DataStoreService:GetDataStore("s"):GetAsync("k")`)).toBe(undefined);
	});
});
