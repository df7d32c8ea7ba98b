import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { CONFIG, type Config } from '../../config/config.js';
import { bodyParserProblem } from '../jsonapi/json-api-exception.filter.js';
import { sendProblems } from '../jsonapi/json-api-response.js';
import { applyCorsHeaders, isRallyPath } from './rally-cors.js';

/**
 * Body-parser failures (malformed JSON, too large) happen before routing, so no controller
 * filter sees them. This Express error handler, added once the routes are registered and before
 * Nest's own, answers them with a JSON:API error document for /api/json and passes the rest on.
 */
@Injectable()
export class JsonApiParseErrors implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onModuleInit(): void {
    const origins = this.config.rally.corsOrigins;
    const handler = (error: unknown, req: Request, res: Response, next: NextFunction): void => {
      const problem =
        isRallyPath(req.path) && !res.headersSent ? bodyParserProblem(error) : undefined;
      if (problem === undefined) {
        next(error);
        return;
      }
      applyCorsHeaders(req, res, origins);
      sendProblems(res, problem.status, [problem]);
    };
    this.adapterHost.httpAdapter.use(handler);
  }
}
