import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** The user the BearerGuard authenticated. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  return context.switchToHttp().getRequest<{ user?: unknown }>().user;
});
