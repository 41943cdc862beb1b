// expect: respond-once@9
import { Module, MiddlewareConsumer, NestModule } from '@nestjs/common';
import { Request, Response, NextFunction } from 'express';

export function httpsOnly(req: Request, res: Response, next: NextFunction) {
  if (!req.secure) {
    res.redirect(301, `https://${req.headers.host}${req.url}`);
  }
  next();
}

@Module({})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(httpsOnly).forRoutes('*');
  }
}
