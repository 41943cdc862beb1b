const { NestFactory } = require('@nestjs/core');
const { AppModule } = require('./app.module');

function requestId(req, res, next) {
  res.setHeader('X-Request-Id', String(Date.now()));
  next();
}

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use(requestId);
  await app.listen(3000);
}
bootstrap();
