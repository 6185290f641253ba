# The two commands of the README. Both install what a fresh machine lacks, then run.
SHELL := /bin/bash
.PHONY: run test setup seed fmt lint

run:
	. scripts/env.sh && scripts/setup.sh && cargo leptos serve

test:
	scripts/test.sh

setup:
	. scripts/env.sh && scripts/setup.sh --test

seed:
	. scripts/env.sh && cargo run -p server -- seed

fmt:
	cargo fmt --all

lint:
	. scripts/env.sh && cargo fmt --all --check && cargo clippy -p app --features ssr -- -D warnings && cargo clippy -p server --all-targets -- -D warnings && cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
