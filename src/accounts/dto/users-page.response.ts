import { ApiProperty } from '@nestjs/swagger';
import type { PublicUser } from '../../auth/login-body.js';

/** OpenAPI schema of a PublicUser: `{id, email, display_name}`. */
export class PublicUserBody implements PublicUser {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ann@example.com' })
  email: string;

  @ApiProperty({ example: 'ann' })
  display_name: string;
}

export class UsersPageBody {
  @ApiProperty({ type: [PublicUserBody], description: 'Newest accounts first.' })
  items: PublicUserBody[];

  @ApiProperty({
    description: 'Pass as page_token for the next page; always a string, "" on the last page.',
  })
  page_token: string;
}

/** `GET /api/users`: `{"users": {"items": [...], "page_token": "..."}}`. */
export class UsersResponse {
  @ApiProperty({ type: UsersPageBody })
  users: UsersPageBody;
}
