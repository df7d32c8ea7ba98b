import { QueryFailedError } from 'typeorm';

/** True for PostgreSQL's unique_violation (23505), e.g. an email already taken. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505'
  );
}
