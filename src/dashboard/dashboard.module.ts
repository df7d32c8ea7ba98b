import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { AdminDashboardChannel } from './admin-dashboard.channel.js';
import { DashboardAuthenticator } from './dashboard.authenticator.js';
import { DashboardController } from './dashboard.controller.js';
import { DashboardFeed } from './dashboard-feed.js';
import { NodeMeter } from './node-meter.js';

/**
 * The operators' live page: `GET /dashboard` (static files) and the `admin:dashboard` channel
 * that feeds it, signed in with ADMIN_API_TOKEN. See docs/operations.md, "Dashboard".
 */
@Module({
  imports: [RealtimeModule],
  controllers: [DashboardController],
  providers: [DashboardAuthenticator, AdminDashboardChannel, DashboardFeed, NodeMeter],
})
export class DashboardModule {}
