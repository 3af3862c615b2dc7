# btsplan: one static binary on a small Debian base.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/btsplan ./cmd/btsplan

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/btsplan --create-home btsplan \
    && install -d -o btsplan -g btsplan /var/lib/btsplan/data
# The data folder exists in the image and belongs to btsplan, so that a named
# volume mounted there (docker-compose.yml) starts with that owner.
COPY --from=build /out/btsplan /usr/local/bin/btsplan
USER btsplan
WORKDIR /var/lib/btsplan
ENV BTSPLAN_ADDR=:8080 BTSPLAN_DATA_DIR=/var/lib/btsplan/data
EXPOSE 8080
ENTRYPOINT ["btsplan"]
CMD ["serve"]
