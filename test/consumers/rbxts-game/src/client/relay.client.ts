// Added to src/client/ by the runner when @rbxts/posthog exports the client relay (PostHogClient).
import { PostHogClient } from "@rbxts/posthog";

PostHogClient.Init();
PostHogClient.Capture("button_clicked", { button: "play" });
PostHogClient.Screen("Shop");
PostHogClient.CaptureException("Something went wrong", debug.traceback());

// Type-level check: the client API takes no subject (an event name comes first).
type Assignable<A, B> = [A] extends [B] ? true : false;
const _clientTakesNoSubject: Assignable<Player, Parameters<typeof PostHogClient.Capture>[0]> = false;
