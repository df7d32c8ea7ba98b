import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsNotEmpty, type ValidationError, ValidateIf, validateSync } from 'class-validator';

/** Raised when an environment variable is invalid; `message` is one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

function firstProblem(error: ValidationError): string {
  const messages = Object.values(error.constraints ?? {});
  const message = messages[0] ?? 'is invalid';
  // class-validator messages start with the property name; keep only what follows it.
  return message.startsWith(error.property) ? message.slice(error.property.length + 1) : message;
}

/**
 * Validates the environment variables that a class declares (one class per concern, see the
 * `*.config.ts` files). Empty strings count as unset. Throws a ConfigError for the first problem.
 */
export function validateEnv<T extends object>(schema: new () => T, env: Env): T {
  const plain: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') plain[key] = value;
  }
  const instance = plainToInstance(schema, plain, { enableImplicitConversion: true });
  const errors = validateSync(instance, { whitelist: true, stopAtFirstError: true });
  if (errors.length > 0) {
    const error = errors[0];
    const raw = plain[error.property];
    const got = raw === undefined ? '' : ` (got ${JSON.stringify(raw)})`;
    throw new ConfigError(error.property, `${firstProblem(error)}${got}`);
  }
  return instance;
}

/**
 * A variable required when NODE_ENV=production, and validated (by the decorators above this one)
 * whenever it is set. Place it last: class-validator runs decorators bottom-up, so presence is
 * checked before the format. The class must declare `@Allow() NODE_ENV`.
 */
export function RequiredInProduction(variable: string): PropertyDecorator {
  return (target, key) => {
    IsNotEmpty({ message: `${variable} is required when NODE_ENV=production` })(target, key);
    ValidateIf(
      (env: Record<string, unknown>) =>
        env.NODE_ENV === 'production' || env[variable] !== undefined,
    )(target, key);
  };
}
