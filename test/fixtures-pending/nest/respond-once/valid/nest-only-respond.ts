import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

@Injectable()
export class GoneMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    res.status(410).send('This API version is gone');
  }
}
