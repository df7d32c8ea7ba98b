// The TypeORM data source for the migration CLI (see the migration:* scripts in package.json).
// It uses DATABASE_URL, or the embedded development database under DATA_DIR, started for the
// duration of the command when the server is not running.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/config.js';
import { dataSourceOptions } from './src/database/data-source.options.js';
import { provisionDatabase } from './src/database/provision-database.js';

const config = loadConfig(process.env);
const database = await provisionDatabase(config, (message) => console.error(message));

const dataSource = new DataSource({
  ...dataSourceOptions(database.url),
  entities: ['src/**/*.entity.ts'],
});

// The CLI destroys the data source when it is done: stop an embedded server started for it.
const destroy = dataSource.destroy.bind(dataSource);
dataSource.destroy = async () => {
  await destroy();
  await database.stop();
};

export default dataSource;
