/**
 * Who is on a dashboard socket (`?dashboard=1`). Every such socket is accepted, so that the page
 * can be told why it may not watch: the `admin:dashboard` channel refuses a join whose
 * `refusal` is set, with that reason.
 */
export class DashboardOperator {
  constructor(
    /** Undefined: the socket presented ADMIN_API_TOKEN. Otherwise why the channel refuses it. */
    readonly refusal: string | undefined,
  ) {}
}

/** The connect param that marks a dashboard socket: `new Socket('/socket', {params: {dashboard: '1'}})`. */
export const DASHBOARD_PARAM = 'dashboard';

/** Why a join is refused when the token is missing or wrong (the page shows its own words). */
export const UNAUTHORIZED = 'unauthorized';

/** Why a join is refused when the server has no admin token: the dashboard is off. */
export const NO_ADMIN_TOKEN = 'ADMIN_API_TOKEN is not set';
