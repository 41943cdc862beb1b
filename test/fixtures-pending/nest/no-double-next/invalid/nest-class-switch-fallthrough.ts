// expect: no-double-next@12
import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

@Injectable()
export class MethodMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    switch (req.method) {
      case 'DELETE':
        next(new Error('read-only'));
      default:
        next();
    }
  }
}
