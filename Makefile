# make demo   start the demo clinic on the embedded database (./data)
# make test   the whole test suite; installs and starts what it needs
# make bench  the benchmarks recorded in docs/benchmarks.md

.PHONY: demo test bench build

build:
	go build -o knead ./cmd/knead

demo:
	go run ./cmd/knead demo

test:
	scripts/test.sh

bench:
	go test -run '^$$' -bench . -benchmem -count 5 ./internal/schedule/
