const { NestFactory } = require('@nestjs/core');
const { AppModule } = require('./app.module');

function trace(req, res, next) {
  if (req.headers['x-trace']) {
    res.setHeader('X-Trace', req.headers['x-trace']);
  }
  next();
}

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use(trace);
  await app.listen(3000);
}
bootstrap();
