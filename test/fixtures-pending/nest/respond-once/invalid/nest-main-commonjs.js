// expect: respond-once@9
const { NestFactory } = require('@nestjs/core');
const { AppModule } = require('./app.module');

function robots(req, res, next) {
  if (req.path === '/robots.txt') {
    res.type('text/plain').send('User-agent: *');
  }
  next();
}

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.use(robots);
  await app.listen(3000);
}
bootstrap();
