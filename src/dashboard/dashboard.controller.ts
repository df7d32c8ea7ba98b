import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorBody } from '../common/http/error-body.js';

const require = createRequire(import.meta.url);
const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));
const UPLOT = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
// phoenix exports only its entry points: its ES module sits beside the CommonJS one.
const PHOENIX = path.dirname(require.resolve('phoenix'));

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

interface StaticFile {
  file: string;
  type: string;
}

/** Everything the page loads, by URL under /dashboard/: nothing else is served. */
const FILES = new Map<string, StaticFile>(
  Object.entries({
    'dashboard.js': { file: path.join(PUBLIC, 'dashboard.js'), type: JS },
    'charts.js': { file: path.join(PUBLIC, 'charts.js'), type: JS },
    'render.js': { file: path.join(PUBLIC, 'render.js'), type: JS },
    'dashboard.css': { file: path.join(PUBLIC, 'dashboard.css'), type: CSS },
    'vendor/uPlot.iife.min.js': { file: path.join(UPLOT, 'uPlot.iife.min.js'), type: JS },
    'vendor/uPlot.min.css': { file: path.join(UPLOT, 'uPlot.min.css'), type: CSS },
    'vendor/phoenix.mjs': { file: path.join(PHOENIX, 'phoenix.mjs'), type: JS },
  }),
);
const PAGE: StaticFile = {
  file: path.join(PUBLIC, 'index.html'),
  type: 'text/html; charset=utf-8',
};

/** Scripts, styles and the socket from this origin only; no inline script or style. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The operators' page (`GET /dashboard`) and its files, from the repository and node_modules. */
@ApiExcludeController()
@Controller('dashboard')
export class DashboardController {
  @Get()
  page(@Res() res: Response): void {
    send(res, PAGE);
  }

  @Get('vendor/:file')
  vendor(@Param('file') file: string, @Res() res: Response): void {
    send(res, FILES.get(`vendor/${file}`));
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    send(res, FILES.get(file));
  }
}

function send(res: Response, entry: StaticFile | undefined): void {
  if (entry === undefined) throw new NotFoundException();
  res.set({
    'Content-Type': entry.type,
    'Content-Security-Policy': DASHBOARD_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
  res.sendFile(entry.file, (error) => {
    // A file missing from the install: the same JSON 404 as any unknown route.
    if (error && !res.headersSent) res.status(404).json(errorBody('Not Found'));
  });
}
