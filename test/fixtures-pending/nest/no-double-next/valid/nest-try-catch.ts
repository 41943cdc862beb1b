import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

declare function verify(token: string): Promise<void>;

@Injectable()
export class JwtMiddleware implements NestMiddleware {
  async use(req: Request, res: Response, next: NextFunction) {
    try {
      await verify(req.headers.authorization ?? '');
    } catch (err) {
      return next(err);
    }
    next();
  }
}
