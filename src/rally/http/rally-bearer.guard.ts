import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { presentedBearer } from '../../common/http/presented-bearer.js';
import { tokenMatches } from '../../common/security/token-matches.js';
import { CONFIG, type Config } from '../../config/config.js';
import { adminRequired, unauthorized } from '../jsonapi/json-api-problems.js';

export interface BearerGrants {
  /** May use the HoloQuest routes (the API token, or the admin token). */
  api: boolean;
  /** May use the operator routes (index, notifications). */
  admin: boolean;
}

/**
 * What a presented token grants. An unset token (only possible outside production, see
 * rally.config.ts) accepts any bearer for its routes; the comparisons are constant-time.
 */
export function bearerGrants(token: string, config: Config): BearerGrants {
  const { apiToken, adminToken } = config.rally;
  const open = (expected: string | undefined) => expected === undefined && !config.app.production;
  const isAdmin = adminToken !== undefined && tokenMatches(token, adminToken);
  const isApi = apiToken !== undefined && tokenMatches(token, apiToken);
  return {
    api: isApi || isAdmin || open(apiToken),
    admin: isAdmin || open(adminToken),
  };
}

abstract class RallyBearerGuard implements CanActivate {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  protected abstract allows(grants: BearerGrants): boolean;

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const token = presentedBearer(http.getRequest<Request>());
    const grants = token === undefined ? undefined : bearerGrants(token, this.config);
    if (grants !== undefined && this.allows(grants)) return true;
    if (grants?.api) throw adminRequired();
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
    throw unauthorized();
  }
}

/** HOLOQUEST_API_TOKEN (or the admin token): 401 `unauthorized` otherwise. */
@Injectable()
export class ApiBearerGuard extends RallyBearerGuard {
  protected allows(grants: BearerGrants): boolean {
    return grants.api;
  }
}

/**
 * ADMIN_API_TOKEN: 403 `forbidden` with only the API token, 401 `unauthorized` with neither.
 */
@Injectable()
export class AdminBearerGuard extends RallyBearerGuard {
  protected allows(grants: BearerGrants): boolean {
    return grants.admin;
  }
}
