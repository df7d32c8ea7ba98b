import request from 'supertest';

export const PASSWORD = 'Correct-horse-9!';

let counter = 0;

/** A fresh address for this test run. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${counter}-${process.pid}@example.com`;
}

export interface RegisteredUser {
  id: string;
  email: string;
  authToken: string;
  refreshToken: string;
  bearer: string;
}

/** Registers a chat user through the API. */
export async function registerUser(
  baseUrl: string,
  fields: Record<string, unknown> = {},
): Promise<RegisteredUser> {
  const email = (fields.email as string | undefined) ?? uniqueEmail();
  const res = await request(baseUrl)
    .post('/auth/register')
    .send({ email, password: PASSWORD, ...fields })
    .expect(200);
  const body = res.body as { user: { id: string }; auth_token: string; refresh_token: string };
  return {
    id: body.user.id,
    email,
    authToken: body.auth_token,
    refreshToken: body.refresh_token,
    bearer: `Bearer ${body.auth_token}`,
  };
}
