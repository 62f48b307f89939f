# The web app, the Celery worker and beat all run from this image.
# Two stages: Node builds GOV.UK Frontend's styles and scripts into static/dist,
# and the Python image takes only what was built, with no Node or node_modules.

# Stage 1: the front-end build, from the locked package versions.
FROM node:22-slim AS assets

WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts ./scripts
COPY static/scss ./static/scss
RUN npm run build


# Stage 2: the application.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app

RUN apt-get update \
    && apt-get install --yes --no-install-recommends libpq5 \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# The dependencies first, so that a change to the code alone reuses this layer.
COPY pyproject.toml README.md ./
COPY config ./config
COPY accounts ./accounts
COPY inspections ./inspections
COPY findings ./findings
COPY actions ./actions
COPY progress ./progress
RUN pip install .

COPY . .
COPY --from=assets /build/static/dist ./static/dist

# Hashed, compressed copies of every static file (config/storage.py), served by
# WhiteNoise. collectstatic needs settings to import, not real secrets.
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

# Not root: the app may write only to the uploads folder.
RUN useradd --system --create-home --uid 10001 tracker \
    && mkdir -p /app/media \
    && chown -R tracker /app/media
USER tracker

EXPOSE 8000
# Settings from the environment: PORT, WEB_CONCURRENCY, LOG_FORMAT (config/gunicorn.py).
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
