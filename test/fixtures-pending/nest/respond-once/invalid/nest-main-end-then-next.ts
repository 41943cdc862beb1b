// expect: respond-once@11
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use((req, res, next) => {
    if (req.method === 'OPTIONS') {
      res.end();
    }
    next();
  });
  await app.listen(3000);
}
bootstrap();
