import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { roundMagnification } from './profile-rules.js';
import { type Theme, UserProfile } from './user-profile.entity.js';

/** The profile fields a user may change; absent (undefined) fields are left as they are. */
export interface ProfileChanges {
  hidden?: boolean;
  theme?: Theme;
  magnification?: number;
  recents?: string[];
}

@Injectable()
export class ProfilesService {
  constructor(@InjectRepository(UserProfile) private readonly profiles: Repository<UserProfile>) {}

  /**
   * The user's profile. Registration creates it; a user who has none (made outside the API)
   * gets one with the defaults instead of an error.
   */
  async get(userId: string): Promise<UserProfile> {
    const found = await this.profiles.findOneBy({ userId });
    if (found !== null) return found;
    await this.profiles.createQueryBuilder().insert().values({ userId }).orIgnore().execute();
    return this.profiles.findOneByOrFail({ userId });
  }

  /**
   * Applies validated changes and returns the whole profile. `magnification` is rounded to the
   * one decimal its numeric(2,1) column keeps, so the answer equals what a later read returns.
   */
  async update(userId: string, changes: ProfileChanges): Promise<UserProfile> {
    const profile = await this.get(userId);
    const set: ProfileChanges = {};
    if (changes.hidden !== undefined) set.hidden = changes.hidden;
    if (changes.theme !== undefined) set.theme = changes.theme;
    if (changes.magnification !== undefined) {
      set.magnification = roundMagnification(changes.magnification);
    }
    if (changes.recents !== undefined) set.recents = [...changes.recents];
    if (Object.keys(set).length === 0) return profile;
    const updatedAt = new Date();
    await this.profiles.update({ userId }, { ...set, updatedAt });
    return Object.assign(profile, set, { updatedAt });
  }
}
