# credit-hub: multi-stage build, non-root runtime, CMD serves the hub.
# (No Docker engine runs on the development machines; this file is for deployments.)

FROM node:20-bookworm-slim AS ide
WORKDIR /src/hub/http/ide
COPY hub/http/ide/package.json hub/http/ide/package-lock.json hub/http/ide/build.sh ./
RUN bash build.sh

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
COPY hub ./hub
COPY schema ./schema
COPY graph ./graph
COPY policies ./policies
COPY --from=ide /src/hub/http/ide/static ./hub/http/ide/static
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir .

FROM python:3.11-slim-bookworm
RUN useradd --create-home --uid 10001 hub
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    CREDIT_HUB_DATA_DIR=/var/lib/credit-hub \
    CREDIT_HUB_ENV=production \
    PYTHONUNBUFFERED=1
RUN mkdir -p /var/lib/credit-hub && chown hub:hub /var/lib/credit-hub
USER hub
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["credit-hub", "serve", "--host", "0.0.0.0", "--port", "8000"]
