# Sourced by the scripts: one warm build directory outside the clone, and the tools on PATH.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/jiebang-target}"
export JIEBANG_TOOLS="${JIEBANG_TOOLS:-$HOME/.cache/jiebang-tools}"
export PATH="$JIEBANG_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"
