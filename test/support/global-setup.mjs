// Jest loads globalSetup outside its module system, so the TypeScript is loaded through tsx.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { setup } = await tsImport('./database-setup.ts', import.meta.url);
  await setup();
}
