// Generates a synthetic Django project in Python: `count` files in apps of models, views, forms,
// admin, urls, tests and migrations, about one app in eight with a middleware module (correct
// ones and a few with mistakes), and a settings package (base, dev, prod) whose MIDDLEWARE lists them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const models = (app, r) => {
  const out = [`"""Models of ${app}."""\nfrom django.conf import settings\nfrom django.db import models\nfrom django.utils import timezone\n`];
  const count = 4 + Math.floor(r() * 6);
  for (let m = 0; m < count; m++) {
    out.push(`
class Item${m}(models.Model):
    """An item of ${app} with a name, an owner and a few counters."""

    name = models.CharField(max_length=${40 + Math.floor(r() * 200)})
    slug = models.SlugField(unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="${app}_items${m}")
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(auto_now=True)
    views = models.PositiveIntegerField(default=0)
    score = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["slug"]), models.Index(fields=["owner", "created"])]

    def __str__(self):
        return f"{self.name} ({self.slug})"

    def touch(self, amount=1):
        self.views += amount
        if self.views > ${1000 + Math.floor(r() * 9000)}:
            self.score = min(self.score + 1, 100)
        self.save(update_fields=["views", "score", "updated"])
        return self.views
`);
  }
  return out.join('');
};

const views = (app, r) => {
  const groups = 3 + Math.floor(r() * 5);
  let out = `"""Views of ${app}."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render

from .models import Item0
`;
  for (let g = 0; g < groups; g++) out += viewGroup(app, g, r);
  return out;
};

const viewGroup = (app, g, r) => `

def index${g}(request):
    items = Item0.objects.filter(active=True).select_related("owner")
    query = request.GET.get("q", "").strip()
    if query:
        items = items.filter(name__icontains=query)
    page = Paginator(items, ${10 + Math.floor(r() * 40)}).get_page(request.GET.get("page"))
    return render(request, "${app}/index${g}.html", {"page": page, "query": query})


@login_required
def detail${g}(request, slug):
    item = get_object_or_404(Item0, slug=slug)
    if not item.active and item.owner != request.user:
        raise Http404("not found")
    item.touch()
    return render(request, "${app}/detail.html", {"item": item})


def api${g}(request):
    data = [{"name": i.name, "slug": i.slug, "views": i.views} for i in Item0.objects.all()[:${50 + Math.floor(r() * 50)}]]
    return JsonResponse({"items": data, "count": len(data)})
`;


const forms = (app) => `from django import forms

from .models import Item0


class Item0Form(forms.ModelForm):
    class Meta:
        model = Item0
        fields = ["name", "slug", "active"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if Item0.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("taken in ${app}")
        return slug
`;

const admin = () => `from django.contrib import admin

from .models import Item0


@admin.register(Item0)
class Item0Admin(admin.ModelAdmin):
    list_display = ["name", "slug", "owner", "created", "active"]
    list_filter = ["active", "created"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
`;

const urls = (app) => `from django.urls import path

from . import views

app_name = "${app}"
urlpatterns = [
    path("", views.index0, name="index"),
    path("api/", views.api0, name="api"),
    path("<slug:slug>/", views.detail0, name="detail0"),
]
`;

const tests = (app, r) => `from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from .models import Item0


class Item0Tests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("u${app}", password="pw")
        cls.item = Item0.objects.create(name="one", slug="one", owner=cls.user)

    def test_index(self):
        response = self.client.get(reverse("${app}:index"))
        self.assertEqual(response.status_code, 200)

${Array.from({ length: 3 + Math.floor(r() * 6) }, (_, t) => `
    def test_touch_${t}(self):
        for _ in range(${1 + Math.floor(r() * 5)}):
            self.item.touch()
        self.item.refresh_from_db()
        self.assertGreater(self.item.views, ${t})
        response = self.client.get(reverse("${app}:detail0", args=[self.item.slug]))
        self.assertContains(response, self.item.name)
`).join('')}`;

const migration = (app) => `from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion
import django.utils.timezone


class Migration(migrations.Migration):
    initial = True
    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Item0",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=120)),
                ("slug", models.SlugField(unique=True)),
                ("created", models.DateTimeField(default=django.utils.timezone.now)),
                ("owner", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="${app}_items0", to=settings.AUTH_USER_MODEL)),
            ],
        ),
    ]
`;

/** A middleware module: a class, a factory, or a MiddlewareMixin subclass; one in ten forgets to return. */
const middleware = (app, i, r) => {
  const broken = r() < 0.1;
  const kind = i % 3;
  if (kind === 0) {
    return `import time


class Timing${i}Middleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        response["X-${app}-Time"] = f"{time.monotonic() - started:.3f}"
${broken ? '' : '        return response\n'}`;
  }
  if (kind === 1) {
    return `def header${i}_middleware(get_response):
    def middleware(request):
        request.${app}_seen = True
        response = get_response(request)
        if response.status_code >= 400:
            response["X-${app}-Error"] = "1"
${broken ? '' : '        return response\n'}
    return middleware
`;
  }
  return `from django.utils.deprecation import MiddlewareMixin


class Audit${i}Middleware(MiddlewareMixin):
    def process_request(self, request):
        request.${app}_audit = []

    def process_response(self, request, response):
        response["X-${app}-Audit"] = str(len(getattr(request, "${app}_audit", [])))
${broken ? '' : '        return response\n'}`;
};

/** Writes about `count` Python files under `root`; returns the number of middleware modules. */
export function generateDjangoProject(root, count, seed = 42) {
  const r = rng(seed);
  const w = (rel, text) => {
    const abs = join(root, rel);
    mkdirSync(join(abs, '..'), { recursive: true });
    writeFileSync(abs, text);
  };
  w('manage.py', `#!/usr/bin/env python\nimport os\nimport sys\n\nif __name__ == "__main__":\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.dev")\n    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n`);
  w('proj/__init__.py', '');
  w('proj/wsgi.py', `import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings.prod")\napplication = get_wsgi_application()\n`);
  let files = 3;
  const apps = [];
  const mws = [];
  for (let a = 0; files < count - 5; a++) {
    const app = `app${a}`;
    apps.push(app);
    const parts = [
      ['__init__.py', ''],
      ['models.py', models(app, r)],
      ['views.py', views(app, r)],
      ['forms.py', forms(app)],
      ['admin.py', admin()],
      ['urls.py', urls(app)],
      ['tests.py', tests(app, r)],
      ['migrations/__init__.py', ''],
      ['migrations/0001_initial.py', migration(app)],
    ];
    if (a % 8 === 3) {
      const kind = mws.length % 3;
      parts.push(['middleware.py', middleware(app, mws.length, r)]);
      mws.push(kind === 0 ? `${app}.middleware.Timing${mws.length}Middleware` : kind === 1 ? `${app}.middleware.header${mws.length}_middleware` : `${app}.middleware.Audit${mws.length}Middleware`);
    }
    for (const [rel, text] of parts.slice(0, count - files)) w(`${app}/${rel}`, text);
    files += Math.min(parts.length, count - files);
  }
  const list = (xs) => xs.map((x) => `    "${x}",`).join('\n');
  w('proj/settings/__init__.py', '');
  w(
    'proj/settings/base.py',
    `from pathlib import Path\n\nBASE_DIR = Path(__file__).resolve().parent.parent.parent\nSECRET_KEY = "bench"\nDEBUG = False\n\nINSTALLED_APPS = [\n    "django.contrib.admin",\n    "django.contrib.auth",\n    "django.contrib.contenttypes",\n    "django.contrib.sessions",\n    "django.contrib.messages",\n    "django.contrib.staticfiles",\n${list(apps)}\n]\n\nMIDDLEWARE = [\n    "django.middleware.security.SecurityMiddleware",\n    "django.contrib.sessions.middleware.SessionMiddleware",\n    "django.middleware.common.CommonMiddleware",\n    "django.middleware.csrf.CsrfViewMiddleware",\n    "django.contrib.auth.middleware.AuthenticationMiddleware",\n    "django.contrib.messages.middleware.MessageMiddleware",\n${list(mws)}\n]\n`,
  );
  w('proj/settings/dev.py', `from .base import *  # noqa: F403\n\nDEBUG = True\nif DEBUG:\n    MIDDLEWARE += ["debug_toolbar.middleware.DebugToolbarMiddleware"]\n`);
  w('proj/settings/prod.py', `from .base import *  # noqa: F403\n\nMIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")\n`);
  return { middlewares: mws.length, apps: apps.length };
}
