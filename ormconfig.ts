// The TypeORM data source for the migration CLI (see the migration:* scripts in package.json).
// It uses DATABASE_URL, or the embedded development database under DATA_DIR (started for the
// duration of the command when the server is not running).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/config.js';
import { dataSourceOptions } from './src/database/data-source.options.js';
import { provisionDatabase } from './src/database/provision-database.js';

const config = loadConfig(process.env);
const database = await provisionDatabase(config, (message) => console.error(message));

export default new DataSource({
  ...dataSourceOptions(database.url),
  entities: ['src/**/*.entity.ts'],
});
