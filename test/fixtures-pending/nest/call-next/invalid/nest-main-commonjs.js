// expect: call-next@7
const { NestFactory } = require('@nestjs/core');
const { AppModule } = require('./app.module');

function poweredBy(req, res, next) {
  res.removeHeader('X-Powered-By');
  return next;
}

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use(poweredBy);
  await app.listen(3000);
}
bootstrap();
