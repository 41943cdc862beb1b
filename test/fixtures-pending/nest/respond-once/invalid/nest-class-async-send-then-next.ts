// expect: respond-once@14
import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

declare function lookup(key: string): Promise<string | undefined>;

@Injectable()
export class CacheMiddleware implements NestMiddleware {
  async use(req: Request, res: Response, next: NextFunction) {
    const hit = await lookup(req.url);
    if (hit) {
      res.send(hit);
    }
    next();
  }
}
