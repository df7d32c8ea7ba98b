// Every migration, oldest first. `npm run migration:generate` writes a new file here: add its
// class to this list (a test checks that no file is left out).
import { EnableExtensions1732240000000 } from './1732240000000-EnableExtensions.js';
import { CreateAccounts1732300000000 } from './1732300000000-CreateAccounts.js';
import { CreateConversations1732400000000 } from './1732400000000-CreateConversations.js';
import { CreateRallyPlayers1732500000000 } from './1732500000000-CreateRallyPlayers.js';
import { CreateEncryptedConversations1733600000000 } from './1733600000000-CreateEncryptedConversations.js';

export const migrations = [
  EnableExtensions1732240000000,
  CreateAccounts1732300000000,
  CreateConversations1732400000000,
  CreateRallyPlayers1732500000000,
  CreateEncryptedConversations1733600000000,
];
