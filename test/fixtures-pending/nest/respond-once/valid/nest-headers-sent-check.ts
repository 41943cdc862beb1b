import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

@Injectable()
export class FallbackMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    if (res.headersSent) {
      return next();
    }
    res.locals.fallback = true;
    next();
  }
}
