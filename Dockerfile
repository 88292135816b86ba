# The faultline image: `faultline explore --shard …` on a cluster engine
# (see deploy/README.md). Two stages: build with the Rust toolchain, run on
# a slim base with the one binary.
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin faultline

FROM debian:bookworm-slim
COPY --from=build /src/target/release/faultline /usr/local/bin/faultline
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/faultline"]
CMD ["list"]
