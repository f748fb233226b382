// The client half of the game. The client relay's calls live in optional/relay.client.ts, which the
// runner adds here once the package exports PostHogClient.
print("rbxts consumer client started");
