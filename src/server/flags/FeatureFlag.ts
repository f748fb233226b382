// What PostHog:GetFeatureFlag returns (roblox-sdk-docs "Multivariate feature flags"). Types only.

export interface FeatureFlag {
	key: string;
	/** false, true, or the key of the subject's variant. */
	value: boolean | string;
	/** The value is true or a variant. */
	isEnabled: boolean;
	/** The variant key of a multivariate flag. */
	variant?: string;
	/** The flag's JSON payload for this value, decoded (a payload that is not JSON stays a string). */
	payload?: unknown;
}
