// Every request of the flags (/flags and the definitions polls) draws from the SDK's HTTP budget
// (maxRequestsPerMinute), which the event queue shares: a request the budget has no room for fails
// without being sent.

import { buildFlagsRequest } from "../../core/flags/buildFlagsRequest";
import { FetchFlagsResult, fetchFlags } from "../../core/flags/fetchFlags";
import { HttpClient } from "../../core/platform";
import { ServerRuntime } from "../ServerRuntime";
import { EvaluationInputs } from "./evaluationInputs";

const BUDGET_ERROR = "the SDK's HTTP budget (maxRequestsPerMinute) is used up";

export interface FlagsRequestOptions {
	/** Evaluate only these flags; all flags when undefined. */
	readonly flagKeys?: ReadonlyArray<string>;
	readonly geoipDisable: boolean;
}

export class FlagsRequester {
	/** Takes from the shared HTTP budget or fails without sending. */
	readonly http: HttpClient;

	constructor(private readonly runtime: ServerRuntime) {
		const { platform, budget } = runtime;
		this.http = {
			request(request) {
				return budget.tryTake() ? platform.http.request(request) : { kind: "error", message: BUDGET_ERROR };
			},
		};
	}

	/**
	 * One /flags request for the subject's inputs. YIELDS. Undefined, and logged, when none could be
	 * sent: the budget is used up (checked first, so no request is built for nothing) or the inputs
	 * do not encode.
	 */
	send(distinctId: string, inputs: EvaluationInputs, options: FlagsRequestOptions): FetchFlagsResult | undefined {
		const { runtime } = this;
		const { json, scheduler } = runtime.platform;
		if (runtime.budget.secondsUntilAvailable() > 0) {
			runtime.logger.throttled(
				"debug",
				"FLAGS_BUDGET_EXHAUSTED",
				{ distinctId, perMinute: runtime.budget.getPerMinute() },
				10,
			);
			return undefined;
		}
		const built = buildFlagsRequest(
			{
				host: runtime.config.host,
				apiKey: runtime.config.apiKey,
				distinctId,
				...inputs,
				flagKeys: options.flagKeys,
				geoipDisable: options.geoipDisable,
			},
			json,
		);
		if (built.kind === "unencodable") {
			runtime.logger.throttled("warn", "FLAGS_PROPERTIES_UNENCODABLE", { distinctId, error: built.error });
			return undefined;
		}
		return fetchFlags(built.request, { http: this.http, scheduler, json });
	}
}
