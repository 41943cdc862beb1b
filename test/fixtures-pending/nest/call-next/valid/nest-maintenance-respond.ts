import { Injectable, NestMiddleware } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

@Injectable()
export class MaintenanceMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction) {
    if (process.env.MAINTENANCE === '1') {
      res.status(503).send('Down for maintenance');
    } else {
      next();
    }
  }
}
