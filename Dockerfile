# Sif in production: one image for the web nodes (`sif web`: gunicorn) and the schedulers
# (`sif scheduler`), configured only through SIF_* variables (see docker-compose.yml, README).
# The built front-end files are committed under web/static/, so no Node.js is needed here.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SIF_LOG_FORMAT=json

# A user of its own: the code is root's and read-only to it.
RUN groupadd --system --gid 10001 sif \
 && useradd --system --uid 10001 --gid sif --home-dir /home/sif --create-home sif

WORKDIR /app
# Dependencies first (a code change does not reinstall them), then the code.
COPY pyproject.toml README.md ./
COPY engine/__init__.py engine/__init__.py
COPY tasks/__init__.py tasks/__init__.py
COPY web/__init__.py web/__init__.py
RUN pip install .  && pip uninstall --yes sif
COPY engine engine
COPY tasks tasks
COPY web web
COPY processes processes
COPY forms forms
# Installed in place, so `sif init` finds processes/ and forms/ beside the code.
RUN pip install --no-deps --editable . \
 && python -m compileall -q engine tasks web

USER sif
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["sif"]
CMD ["web", "--bind", "0.0.0.0:8000", "--workers", "2"]
