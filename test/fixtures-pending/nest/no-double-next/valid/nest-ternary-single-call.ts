import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

@Injectable()
export class ReadOnlyMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    const blocked = req.method !== 'GET' && process.env.READ_ONLY === '1';
    next(blocked ? new Error('read-only mode') : undefined);
  }
}
