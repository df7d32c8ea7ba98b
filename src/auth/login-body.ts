import type { User } from '../accounts/user.entity.js';
import { isoTimestamp } from '../common/time/timestamps.js';
import type { ConversationJson } from '../conversations/chat-json.js';
import type { UserProfile } from '../profiles/user-profile.entity.js';

/** The flat "self" user: public fields, confirmed_at and the profile. */
export interface SelfUser {
  id: string;
  email: string;
  display_name: string;
  confirmed_at: string | null;
  hidden: boolean;
  theme: string;
  magnification: number;
  recents: string[];
}

export interface PublicUser {
  id: string;
  email: string;
  display_name: string;
}

/** What register, login and refresh answer. */
export interface LoginBody {
  user: SelfUser;
  conversations: ConversationJson[];
  users: PublicUser[];
  auth_token: string;
  refresh_token: string;
}

export function selfUser(user: User, profile: UserProfile): SelfUser {
  return {
    id: user.id,
    email: user.email,
    display_name: user.displayName,
    confirmed_at: isoTimestamp(user.confirmedAt),
    hidden: profile.hidden,
    theme: profile.theme,
    magnification: profile.magnification,
    recents: profile.recents,
  };
}

export function publicUser(user: User): PublicUser {
  return { id: user.id, email: user.email, display_name: user.displayName };
}
