import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { ClientPeer, createWorld, Peer, World } from "../support/emulator";

interface Call {
	player: Player;
	args: unknown[];
	/** select("#", ...): trailing nils included */
	n: number;
}

// A RemoteEvent in ReplicatedStorage whose server handler records every call in _G.calls.
const SERVER_RELAY = `
local relay = Instance.new("RemoteEvent")
relay.Name = "Relay"
relay.Parent = game:GetService("ReplicatedStorage")
_G.calls = {}
relay.OnServerEvent:Connect(function(player, ...)
	table.insert(_G.calls, { player = player, args = { ... }, n = select("#", ...) })
end)`;

// The same on a client, for OnClientEvent.
const CLIENT_LISTENER = `
_G.calls = {}
game:GetService("ReplicatedStorage"):WaitForChild("Relay").OnClientEvent:Connect(function(...)
	table.insert(_G.calls, { args = { ... }, n = select("#", ...) })
end)`;

describe("RemoteEvent", () => {
	let world: World;
	let server: Peer;
	let client: ClientPeer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
		server.runSource(SERVER_RELAY);
		client = world.joinPlayer({ userId: 1 });
	});
	afterEach(() => world.destroy());

	function calls(peer: Peer): Call[] {
		return peer.G.calls as Call[];
	}

	function fireFromClient(argumentsSource: string, setup = "") {
		client.runSource(`${setup}\ngame.ReplicatedStorage.Relay:FireServer(${argumentsSource})`);
		world.runFor(0.1);
	}

	describe("FireServer", () => {
		it("delivers to OnServerEvent with the sending Player first", () => {
			fireFromClient(`"hello", 2`);
			expect(calls(server).size()).toBe(1);
			expect(calls(server)[0].player).toBe(client.player);
			expect(calls(server)[0].args[0]).toBe("hello");
			expect(calls(server)[0].args[1]).toBe(2);
		});

		it("does not deliver inside the FireServer call", () => {
			client.runSource(`game.ReplicatedStorage.Relay:FireServer("now?")`);
			expect(calls(server).size()).toBe(0);
		});

		it("delivers after the network latency", () => {
			client.runSource(`game.ReplicatedStorage.Relay:FireServer(1)`);
			world.runFor(0.04);
			expect(calls(server).size()).toBe(0);
			world.runFor(0.02);
			expect(calls(server).size()).toBe(1);
		});

		it("keeps the order of one client's fires", () => {
			client.runSource(`
local relay = game.ReplicatedStorage.Relay
for i = 1, 5 do relay:FireServer(i) end
task.wait(0.01)
relay:FireServer(6)`);
			world.runFor(0.2);
			expect(calls(server).map((call) => call.args[0])).toEqual([1, 2, 3, 4, 5, 6]);
		});

		it("passes the real sender first even when the client sends another Player", () => {
			const other = world.joinPlayer({ userId: 2 });
			world.runFor(0.1);
			fireFromClient(`game.Players:GetPlayerByUserId(2)`);
			expect(calls(server)[0].player).toBe(client.player);
			expect(calls(server)[0].args[0]).toBe(other.player);
		});

		it("keeps nil arguments in place", () => {
			fireFromClient(`nil, "b", nil`);
			expect(calls(server)[0].n).toBe(3);
			expect(calls(server)[0].args[1]).toBe("b");
		});

		it("raises when called on the server", () => {
			server.runSource(`_G.ok, _G.err = pcall(function() game.ReplicatedStorage.Relay:FireServer() end)`);
			expect(server.G.ok).toBe(false);
			expect(server.G.err).toMatch("FireServer can only be called from the client");
		});

		it("counts fires and approximate bytes per client", () => {
			fireFromClient(`"abc"`);
			fireFromClient(`"abcdef"`);
			expect(client.remoteStats.toServer.fires).toBe(2);
			expect(client.remoteStats.toServer.bytes).toBe(6 + 9);
		});

		it("reports the busiest second of fires", () => {
			client.runSource(`
local relay = game.ReplicatedStorage.Relay
for i = 1, 3 do relay:FireServer(i) end
task.wait(1.5)
for i = 1, 5 do relay:FireServer(i) task.wait(0.1) end`);
			world.runFor(3);
			expect(client.remoteStats.toServer.fires).toBe(8);
			expect(client.remoteStats.toServer.maxFiresPerSecond).toBe(5);
		});

		it("delivers what a leaving client sent before PlayerRemoving fires", () => {
			server.runSource(`
game:GetService("Players").PlayerRemoving:Connect(function() table.insert(_G.calls, "removing") end)`);
			client.runSource(`game.ReplicatedStorage.Relay:FireServer("last words")`);
			world.removePlayer(client);
			world.runFor(0.1);
			const log = server.G.calls as unknown[];
			expect(log.size()).toBe(2);
			expect((log[0] as Call).args[0]).toBe("last words");
			expect(log[1]).toBe("removing");
		});
	});

	describe("arguments", () => {
		function checkOnServer(argumentsSource: string, check: string): unknown {
			server.runSource(`
game.ReplicatedStorage.Relay.OnServerEvent:Connect(function(player, ...)
	local args = table.pack(...)
	_G.result = ${check}
end)`);
			fireFromClient(
				argumentsSource,
				`local shared = { 1 } local withMeta = setmetatable({ x = 1 }, { __index = function() return "meta" end })`,
			);
			return server.G.result;
		}

		it("delivers NaN as NaN", () => {
			expect(checkOnServer(`0/0`, `args[1] ~= args[1] and type(args[1]) == "number"`)).toBe(true);
		});

		it("delivers infinities unchanged", () => {
			expect(checkOnServer(`math.huge, -math.huge`, `args[1] == math.huge and args[2] == -math.huge`)).toBe(true);
		});

		it("delivers a function argument as nil", () => {
			expect(checkOnServer(`function() end, 2`, `args[1] == nil and args[2] == 2 and args.n == 2`)).toBe(true);
		});

		it("delivers a table without its metatable", () => {
			expect(checkOnServer(`withMeta`, `getmetatable(args[1]) == nil and args[1].y == nil and args[1].x == 1`)).toBe(
				true,
			);
		});

		it("delivers the same table sent twice as two different tables", () => {
			expect(checkOnServer(`shared, shared`, `args[1] ~= args[2] and args[1][1] == 1 and args[2][1] == 1`)).toBe(true);
		});

		it("copies tables at the moment of the fire", () => {
			client.runSource(`
local data = { value = "before" }
game.ReplicatedStorage.Relay:FireServer(data)
data.value = "after"`);
			world.runFor(0.1);
			expect(calls(server)[0].args[0]).toEqual({ value: "before" });
		});

		it("converts non-string dictionary keys to strings", () => {
			expect(checkOnServer(`{ [true] = "t", [2] = "two" }`, `args[1]["true"] == "t" and args[1]["2"] == "two"`)).toBe(
				true,
			);
		});

		it("keeps only the array part of a mixed table", () => {
			expect(checkOnServer(`{ "a", "b", key = "dropped" }`, `#args[1] == 2 and args[1].key == nil`)).toBe(true);
		});

		it("delivers a replicated Instance as the server's own instance", () => {
			expect(checkOnServer(`game.ReplicatedStorage.Relay`, `args[1] == game.ReplicatedStorage.Relay`)).toBe(true);
		});

		it("delivers an Instance the client created as nil", () => {
			expect(checkOnServer(`Instance.new("Folder", workspace)`, `args[1] == nil and args.n == 1`)).toBe(true);
		});
	});

	describe("FireClient and FireAllClients", () => {
		it("delivers FireClient to that client's OnClientEvent only", () => {
			const other = world.joinPlayer({ userId: 2 });
			client.runSource(CLIENT_LISTENER);
			other.runSource(CLIENT_LISTENER);
			server.runSource(`game.ReplicatedStorage.Relay:FireClient(game.Players:GetPlayerByUserId(1), "for you")`);
			expect(calls(client).size()).toBe(0);
			world.runFor(0.1);
			expect(calls(client).map((call) => call.args[0])).toEqual(["for you"]);
			expect(calls(other).size()).toBe(0);
		});

		it("delivers FireAllClients to every client", () => {
			const other = world.joinPlayer({ userId: 2 });
			client.runSource(CLIENT_LISTENER);
			other.runSource(CLIENT_LISTENER);
			server.runSource(`game.ReplicatedStorage.Relay:FireAllClients("everyone")`);
			world.runFor(0.1);
			expect(calls(client).map((call) => call.args[0])).toEqual(["everyone"]);
			expect(calls(other).map((call) => call.args[0])).toEqual(["everyone"]);
		});

		it("delivers a replicated Instance as the client's replica", () => {
			client.runSource(`
game.ReplicatedStorage.Relay.OnClientEvent:Connect(function(instance)
	_G.isReplica = instance == game.ReplicatedStorage.Relay
end)`);
			server.runSource(`game.ReplicatedStorage.Relay:FireAllClients(game.ReplicatedStorage.Relay)`);
			world.runFor(0.1);
			expect(client.G.isReplica).toBe(true);
		});

		it("delivers an Instance the client cannot see as nil", () => {
			client.runSource(`
game.ReplicatedStorage.Relay.OnClientEvent:Connect(function(...)
	local args = table.pack(...)
	_G.result = args.n == 2 and args[1] == nil and args[2] == "after"
end)`);
			server.runSource(
				`game.ReplicatedStorage.Relay:FireAllClients(Instance.new("Folder", game:GetService("ServerStorage")), "after")`,
			);
			world.runFor(0.1);
			expect(client.G.result).toBe(true);
		});

		it("delivers a remote fired right after creating an instance after that instance", () => {
			client.runSource(`
game.ReplicatedStorage.Relay.OnClientEvent:Connect(function(instance) _G.name = instance and instance.Name end)`);
			server.runSource(`
local folder = Instance.new("Folder")
folder.Name = "Fresh"
folder.Parent = workspace
game.ReplicatedStorage.Relay:FireAllClients(folder)`);
			world.runFor(0.1);
			expect(client.G.name).toBe("Fresh");
		});

		it("counts FireAllClients traffic for each client", () => {
			const other = world.joinPlayer({ userId: 2 });
			server.runSource(`game.ReplicatedStorage.Relay:FireAllClients("abc")`);
			expect(client.remoteStats.toClient.fires).toBe(1);
			expect(other.remoteStats.toClient.fires).toBe(1);
			expect(other.remoteStats.toClient.bytes).toBe(6);
		});

		it("raises when FireClient is given something other than a Player", () => {
			server.runSource(`_G.ok, _G.err = pcall(function() game.ReplicatedStorage.Relay:FireClient(workspace, 1) end)`);
			expect(server.G.ok).toBe(false);
			expect(server.G.err).toMatch("player argument must be a Player object");
		});

		it("raises when FireClient or FireAllClients is called on a client", () => {
			client.runSource(`
local relay = game.ReplicatedStorage.Relay
_G.clientOk, _G.clientErr = pcall(function() relay:FireClient(game.Players.LocalPlayer) end)
_G.allOk, _G.allErr = pcall(function() relay:FireAllClients() end)`);
			expect(client.G.clientOk).toBe(false);
			expect(client.G.clientErr).toMatch("FireClient can only be called from the server");
			expect(client.G.allOk).toBe(false);
			expect(client.G.allErr).toMatch("FireAllClients can only be called from the server");
		});

		it("raises when OnServerEvent is connected on a client or OnClientEvent on the server", () => {
			client.runSource(`
_G.ok, _G.err = pcall(function() game.ReplicatedStorage.Relay.OnServerEvent:Connect(function() end) end)`);
			server.runSource(`
_G.ok, _G.err = pcall(function() game.ReplicatedStorage.Relay.OnClientEvent:Connect(function() end) end)`);
			expect(client.G.ok).toBe(false);
			expect(client.G.err).toMatch("OnServerEvent can only be used on the server");
			expect(server.G.ok).toBe(false);
			expect(server.G.err).toMatch("OnClientEvent can only be used on the client");
		});
	});

	describe("with no listener connected", () => {
		it("queues events and delivers them in order when a listener connects", () => {
			server.runSource(`
local late = Instance.new("RemoteEvent")
late.Name = "Late"
late.Parent = game:GetService("ReplicatedStorage")`);
			world.runFor(0.1);
			client.runSource(`for i = 1, 3 do game.ReplicatedStorage.Late:FireServer(i) end`);
			world.runFor(1);
			server.runSource(`
_G.late = {}
game.ReplicatedStorage.Late.OnServerEvent:Connect(function(_, i) table.insert(_G.late, i) end)
_G.insideConnect = #_G.late`);
			expect(server.G.insideConnect).toBe(0);
			expect(server.G.late).toEqual([1, 2, 3]);
		});

		it("drops events beyond the queue limit with a warning", () => {
			server.runSource(`Instance.new("RemoteEvent", game:GetService("ReplicatedStorage")).Name = "Late"`);
			world.runFor(0.1);
			client.runSource(`for i = 1, 300 do game.ReplicatedStorage.Late:FireServer(i) end`);
			world.runFor(0.1);
			server.runSource(`
_G.count = 0
game.ReplicatedStorage.Late.OnServerEvent:Connect(function() _G.count += 1 end)`);
			world.runFor(0.1);
			expect(server.G.count).toBe(256);
			const warnings = server.output.filter((line) => line.kind === "warn");
			expect(warnings.size()).toBe(44);
			expect(warnings[0].text).toMatch("Remote event invocation queue exhausted for ReplicatedStorage.Late");
		});
	});
});

describe("UnreliableRemoteEvent", () => {
	let world: World;
	let server: Peer;
	let client: ClientPeer;
	beforeEach(() => {
		world = createWorld();
		server = world.startServer();
		server.runSource(`
local ping = Instance.new("UnreliableRemoteEvent")
ping.Name = "Ping"
ping.Parent = game:GetService("ReplicatedStorage")
_G.sizes = {}
ping.OnServerEvent:Connect(function(_, text) table.insert(_G.sizes, #text) end)`);
		client = world.joinPlayer();
	});
	afterEach(() => world.destroy());

	it("delivers payloads of up to 1000 bytes", () => {
		client.runSource(`game.ReplicatedStorage.Ping:FireServer(string.rep("x", 900))`);
		world.runFor(0.1);
		expect(server.G.sizes).toEqual([900]);
	});

	it("drops payloads over 1000 bytes", () => {
		client.runSource(`game.ReplicatedStorage.Ping:FireServer(string.rep("x", 2000))`);
		world.runFor(0.1);
		expect(server.G.sizes).toEqual([]);
		expect(client.remoteStats.toServer.dropped).toBe(1);
	});

	it("discards events that arrive before a listener connects", () => {
		server.runSource(`Instance.new("UnreliableRemoteEvent", game:GetService("ReplicatedStorage")).Name = "Lossy"`);
		world.runFor(0.1);
		client.runSource(`game.ReplicatedStorage.Lossy:FireServer("lost")`);
		world.runFor(0.1);
		server.runSource(`
_G.lossy = {}
game.ReplicatedStorage.Lossy.OnServerEvent:Connect(function(_, text) table.insert(_G.lossy, text) end)`);
		world.runFor(0.1);
		expect(server.G.lossy).toEqual([]);
	});
});
