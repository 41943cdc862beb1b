import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

@Injectable()
export class BlocklistMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    if (req.ip === '10.0.0.1') {
      res.status(403).send('Forbidden');
      return;
    }
    next();
  }
}
