import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';
import { createReadStream } from 'node:fs';

@Injectable()
export class StaticMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    if (req.path === '/favicon.ico') {
      createReadStream('favicon.ico').pipe(res);
      return;
    }
    next();
  }
}
