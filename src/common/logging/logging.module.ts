import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { requestLoggingOptions } from './request-logging.js';

/**
 * nestjs-pino over the root logger. The request middleware itself is mounted by the app factory
 * ahead of the body parsers (`requestLogging`); with `useExisting` nestjs-pino only binds each
 * request's logger (`req.log`, carrying the `requestId`) to the lines logged while handling it.
 */
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({ pinoHttp: requestLoggingOptions(logger), useExisting: true }),
      ],
    };
  }
}
