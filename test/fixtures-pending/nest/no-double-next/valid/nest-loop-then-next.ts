import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

@Injectable()
export class HeaderScrubMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    for (const name of ['x-forwarded-host', 'x-original-url']) {
      delete req.headers[name];
    }
    next();
  }
}
