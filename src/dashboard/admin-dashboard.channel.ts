import { Channel, type ChannelContext, error, Join, On } from '../realtime/index.js';
import { DASHBOARD_TOPIC, DashboardFeed, SNAPSHOT_EVENT } from './dashboard-feed.js';
import { DashboardOperator, UNAUTHORIZED } from './dashboard-operator.js';

/**
 * `admin:dashboard`: operators watching the cluster. The join is refused unless the socket
 * presented ADMIN_API_TOKEN (`{"reason":"unauthorized"}`, or `"ADMIN_API_TOKEN is not set"`);
 * an accepted one gets a `snapshot` at once, then one every second (see DashboardFeed).
 */
@Channel(DASHBOARD_TOPIC)
export class AdminDashboardChannel {
  constructor(private readonly feed: DashboardFeed) {}

  @Join()
  join(_params: unknown, ctx: ChannelContext): object {
    const operator = ctx.principal;
    if (!(operator instanceof DashboardOperator)) return error({ reason: UNAUTHORIZED });
    if (operator.refusal !== undefined) return error({ reason: operator.refusal });
    ctx.push(SNAPSHOT_EVENT, this.feed.watch(ctx));
    return {};
  }

  /** The page only listens. */
  @On('*')
  unknown(): object {
    return error({ reason: 'unknown event' });
  }
}
