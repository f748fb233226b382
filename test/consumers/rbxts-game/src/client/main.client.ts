// The client half of the game; the client relay's calls are in relay.client.ts beside it.
print("rbxts consumer client started");
