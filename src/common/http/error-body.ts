/** The generic error body (Phoenix's ErrorJSON shape): `{"errors":{"detail":"…"}}`. */
export interface ErrorBody {
  errors: { detail: string };
}

export function errorBody(detail: string): ErrorBody {
  return { errors: { detail } };
}
