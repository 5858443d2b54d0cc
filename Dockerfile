# syntax=docker/dockerfile:1
# Multi-stage build: wheels in a builder, a slim non-root runtime.
FROM python:3.11-slim AS builder
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 LOG_FORMAT=json
WORKDIR /app
RUN useradd --create-home --uid 10001 bot
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
COPY dialogs ./dialogs
COPY content_index.yaml ./
COPY media ./media
RUN mkdir -p /app/data && chown bot:bot /app/data
USER 10001
EXPOSE 8080 8443
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('ADMIN_PORT', '8080'), timeout=4)"]
ENTRYPOINT ["testimony-bot"]
CMD ["run"]
