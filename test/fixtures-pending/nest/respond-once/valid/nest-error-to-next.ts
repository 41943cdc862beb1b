import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

@Injectable()
export class UploadLimitMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > 1_000_000) {
      next(new Error('Payload too large'));
      return;
    }
    next();
  }
}
