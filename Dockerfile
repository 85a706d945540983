# syntax=docker/dockerfile:1
# roombot production image: build with the Rust toolchain, run on distroless as a non-root user.

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-trixie AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
# Cargo.toml names the bench targets, so their sources must be present to build at all. The
# image has no sandbox (no default features); scripts/check-image-build runs this stage in CI.
COPY benches benches
COPY config config
COPY cards cards
COPY src src
RUN cargo build --release --locked --no-default-features --bin roombot \
    && cp target/release/roombot /roombot \
    && mkdir -p /data

FROM gcr.io/distroless/cc-debian13:nonroot
COPY --from=build /roombot /usr/local/bin/roombot
# The SQLite store lives here; mount a volume on it to keep the audit log across restarts.
COPY --from=build --chown=65532:65532 /data /var/lib/roombot
# distroless "nonroot" is uid 65532; numeric so Kubernetes can verify runAsNonRoot.
USER 65532:65532
WORKDIR /var/lib/roombot
ENV ROOMBOT__SERVER__LISTEN=0.0.0.0:8080 \
    ROOMBOT__STORE__PATH=/var/lib/roombot/roombot.db
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/roombot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/roombot"]
CMD ["serve"]
