/**
 * How the console sees a failed API call: the API's envelope `{ error: { code, message,
 * details } }` with the HTTP status (0: the worker could not be reached). Apart from
 * api.ts so that code without `fetch` (draft.ts, tests) can use it.
 */

/** One problem of a 4xx answer: where (`document.segments[2].when`) and what. */
export interface ApiProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  /** `details` when it is the usual list of problems (422, 409), else []. */
  get problems(): ApiProblem[] {
    return Array.isArray(this.details)
      ? this.details.filter((d): d is ApiProblem => typeof d?.path === "string" && typeof d?.message === "string")
      : [];
  }
}
