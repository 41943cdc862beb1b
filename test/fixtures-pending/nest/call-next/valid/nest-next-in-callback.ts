import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

@Injectable()
export class BodyLimitMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    req.on('end', () => next());
    req.resume();
  }
}
