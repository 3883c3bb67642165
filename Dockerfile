# sexton in an image of its own: FROM scratch, holding the static binary
# /sexton and nothing else. Copy it into your own image:
#     COPY --from=<this image> /sexton /sexton
#     ENTRYPOINT ["/sexton", "--"]
# or use this image as the base of a static program's image: its ENTRYPOINT
# already runs the CMD under sexton.
#
# BASE is any Debian-like image for the build stage. The tests build against
# a base made locally from Debian's packages, as no registry may be reachable.
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS build
# The toolchain, unless the base image has it already (then the build needs
# no network at all).
RUN if ! command -v musl-gcc >/dev/null || ! command -v make >/dev/null; then \
		apt-get update && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			gcc make musl-tools && \
		rm -rf /var/lib/apt/lists/*; \
	fi
WORKDIR /src
COPY . .
# .git stays out of the build context: the commit for --version comes in here
# (docker build --build-arg COMMIT=$(git rev-parse --short=7 HEAD) .).
ARG COMMIT=unknown
# Fail here, not at run time, if the result would not run in an empty image.
RUN make sexton COMMIT="${COMMIT}" && ./sexton --version && ! ldd ./sexton >/dev/null 2>&1

FROM scratch
COPY --from=build /src/sexton /sexton
ENTRYPOINT ["/sexton", "--"]
