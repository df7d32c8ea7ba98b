import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, type Config } from '../config/config.js';

/**
 * Outside production an unset HOLOQUEST_API_TOKEN or ADMIN_API_TOKEN means "any bearer is
 * accepted" (the original's development behaviour); say so once at boot. In production the
 * configuration refuses to load without them.
 */
@Injectable()
export class RallyTokenWarning implements OnApplicationBootstrap {
  private readonly logger = new Logger('StampRally');

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  onApplicationBootstrap(): void {
    const message = unsetTokenWarning(this.config);
    if (message !== undefined) this.logger.warn(message);
  }
}

/** The one-line warning for unset rally tokens, or undefined when there is nothing to say. */
export function unsetTokenWarning(config: Config): string | undefined {
  if (config.app.production) return undefined;
  const unset = [
    config.rally.apiToken === undefined ? 'HOLOQUEST_API_TOKEN' : undefined,
    config.rally.adminToken === undefined ? 'ADMIN_API_TOKEN' : undefined,
  ].filter((name): name is string => name !== undefined);
  if (unset.length === 0) return undefined;
  const routes =
    unset.length === 2
      ? 'all /api/json routes'
      : unset[0] === 'HOLOQUEST_API_TOKEN'
        ? 'the HoloQuest routes of /api/json'
        : 'the admin routes of /api/json (player index, notifications)';
  const verb = unset.length === 2 ? 'are' : 'is';
  return `${unset.join(' and ')} ${verb} not set: ${routes} accept any bearer token (development only; required in production)`;
}
