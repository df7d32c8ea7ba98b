import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONFIG, type Config } from '../config/config.js';
import { dataSourceOptions } from './data-source.options.js';

/** The TypeORM connection; feature modules register their entities with forFeature(). */
@Module({})
export class DatabaseModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [CONFIG],
          useFactory: (config: Config) => ({
            ...dataSourceOptions(url, config.database.poolSize),
            autoLoadEntities: true,
            migrationsRun: false,
            logging: false,
          }),
        }),
      ],
    };
  }
}
