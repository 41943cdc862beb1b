// expect: no-double-next@9
const { NestFactory } = require('@nestjs/core');
const { AppModule } = require('./app.module');

function trace(req, res, next) {
  if (req.headers['x-trace']) {
    next();
  }
  next();
}

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use(trace);
  await app.listen(3000);
}
bootstrap();
