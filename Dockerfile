# OpenPromo's image: the package installed into a virtual environment in a builder stage (with the
# build tools some dependencies may need), and only that environment copied into a slim final stage
# that runs as an unprivileged user. Build: docker build -t openpromo .  See docs/deploy.md.
ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The steps of `make install`: a virtual environment, a current pip, then the project (without the
# development tools, and not editable).
RUN python -m venv /opt/openpromo
RUN /opt/openpromo/bin/pip install --quiet --upgrade pip
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/openpromo/bin/pip install --quiet --no-cache-dir .

FROM python:${PYTHON_VERSION}-slim
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/openpromo openpromo
COPY --from=builder /opt/openpromo /opt/openpromo
ENV PATH=/opt/openpromo/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    TZ=UTC \
    OPENPROMO_DATABASE_URL=sqlite:////var/lib/openpromo/openpromo.db
USER openpromo
WORKDIR /var/lib/openpromo
VOLUME ["/var/lib/openpromo"]
EXPOSE 9000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('OPENPROMO_PORT', '9000') + '/readyz', timeout=4)"]
ENTRYPOINT ["openpromo"]
CMD ["serve", "--host", "0.0.0.0"]
