# Heliograph in a container: a Swift build stage, then a slim Debian runtime.
#   docker build -t heliograph .
#   docker run -v heliograph-data:/var/lib/heliograph -v ./heliograph.yaml:/etc/heliograph/heliograph.yaml:ro \
#     --device /dev/hidraw0 -p 8080:8080 heliograph
# See packaging/compose/compose.yaml for Heliograph with Mosquitto and PostgreSQL.

FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY . .
RUN swift build -c release --product heliograph --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/heliograph" /out/heliograph

FROM debian:bookworm-slim
# tzdata: site time zones; libsqlite3: the history database; ca-certificates: TLS to brokers.
# Versions are not pinned: the image should take Debian's security updates when rebuilt.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libsqlite3-0 tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 heliograph \
    && useradd --system --uid 10001 --gid heliograph --home-dir /var/lib/heliograph --shell /usr/sbin/nologin heliograph \
    && install -d -o heliograph -g heliograph -m 0750 /var/lib/heliograph \
    && install -d -m 0755 /etc/heliograph
COPY --from=build /out/heliograph /usr/local/bin/heliograph
COPY packaging/heliograph.example.yaml /etc/heliograph/heliograph.yaml

USER 10001:10001
WORKDIR /var/lib/heliograph
ENV HELIOGRAPH_STORAGE_PATH=/var/lib/heliograph/heliograph.sqlite \
    HELIOGRAPH_HTTP_HOST=0.0.0.0
VOLUME ["/var/lib/heliograph"]
EXPOSE 8080
# No curl in the image: bash's /dev/tcp asks /health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/heliograph"]
CMD ["run", "--config", "/etc/heliograph/heliograph.yaml"]
