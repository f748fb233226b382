// Game code's own helper over the SDK: the types come from the package.
import { PostHog, Subject } from "@rbxts/posthog";

export function track(subject: Subject, event: string, properties?: Record<string, unknown>) {
	PostHog.Capture(subject, event, properties);
}
