// expect: no-double-next@11
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use((req, res, next) => {
    if (!req.secure) {
      next(new Error('HTTPS required'));
    }
    next();
  });
  await app.listen(3000);
}
bootstrap();
