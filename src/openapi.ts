import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI generated from the controllers and DTOs: UI at /docs, JSON at /docs/openapi.json. */
export function setupOpenApi(app: INestApplication, version: string): void {
  const document = () =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Nestling')
        .setDescription(
          'REST side of Nestling. The realtime side (Phoenix Channels at /socket) is described in docs/realtime.md.',
        )
        .setVersion(version)
        .addBearerAuth()
        .build(),
    );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
  });
}
