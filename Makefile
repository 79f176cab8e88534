# roomrec — make demo | make test (README). Other targets are for developers.
SHELL := /bin/bash
GO ?= go
BIN := $(CURDIR)/bin
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(BIN)/staticcheck-$(STATICCHECK_VERSION)
VERSITYGW_VERSION := v1.8.0
VERSITYGW := $(BIN)/versitygw-$(VERSITYGW_VERSION)
# hls.js (npm) for the page of examples/server, served from bin/hls.min.js
HLSJS_VERSION := 1.7.4
HLSJS := $(BIN)/hls.js-$(HLSJS_VERSION)/hls.min.js
export GOTOOLCHAIN := local

.PHONY: all deps demo server hlsjs test lint build-nocgo testmedia bench fuzz

all: test

## deps: install missing system packages (silent when all are there)
deps:
	@scripts/deps.sh
	@$(GO) mod download

## demo: run the demos on the embedded defaults (local disk, loopback only)
demo: deps
	scripts/netns.sh --optional $(GO) run ./examples/quickstart -dir ./recordings
	$(GO) run ./examples/layoutpreview -out ./recordings/layouts

## server: run the recording server of examples/server on http://127.0.0.1:8080/
server: deps hlsjs
	$(GO) run ./examples/server -dir ./recordings

## test: vet, lint, the pure-Go build and its tests, and every test with the race detector
test: deps lint build-nocgo $(VERSITYGW) hlsjs
	@# Compile everything (needs the module proxy) before entering the
	@# loopback-only network namespace the tests run in.
	$(GO) test -race -count=1 -run '^$$' ./... >/dev/null
	scripts/netns.sh env GOPROXY=off GOFLAGS=-mod=mod $(GO) test -race -timeout 15m ./...

lint: $(STATICCHECK)
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(STATICCHECK) ./...

$(STATICCHECK):
	@mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	@mv $(BIN)/staticcheck $@

# versitygw: the S3 server the storage/s3 tests start on loopback
$(VERSITYGW):
	@mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)
	@mv $(BIN)/versitygw $@

## hlsjs: install hls.js from the npm registry into bin/hls.min.js
hlsjs: $(HLSJS)
	@cmp -s $(HLSJS) $(BIN)/hls.min.js || cp $(HLSJS) $(BIN)/hls.min.js

$(HLSJS):
	@mkdir -p $(BIN)/npm $(@D)
	cd $(BIN)/npm && npm install --no-audit --no-fund --no-save --silent --prefix . hls.js@$(HLSJS_VERSION)
	cp $(BIN)/npm/node_modules/hls.js/dist/hls.min.js $@

## build-nocgo: everything must build without cgo (codecs then report unsupported)
build-nocgo:
	CGO_ENABLED=0 $(GO) build ./...
	@# The pure-Go build's own behaviour: stubs that name what to install,
	@# Opus by default, VP8 skipped with the reason.
	CGO_ENABLED=0 $(GO) test -count=1 ./internal/codec/ ./internal/mix/
	CGO_ENABLED=0 $(GO) test -count=1 -run '^TestPureGoBuild$$' ./recorder/

## testmedia: regenerate the committed test clips from FFmpeg's lavfi sources
testmedia: deps
	scripts/testmedia.sh testdata/media

## fuzz: run every fuzz target for FUZZTIME (default 2m) each and print executions
fuzz: deps
	scripts/fuzz.sh

## bench: run the benchmarks
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...
