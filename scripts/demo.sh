#!/usr/bin/env bash
# The main job today: the engine and `vt` on the embedded example project (examples/), no services needed.
# It validates the project, renders a file per environment, plans a sync against a recorded current state,
# and shows what a malformed file gets. Ends by itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet build src/VarTrack.Cli -c Release --verbosity quiet -nologo >/dev/null
vt() { dotnet "$root/src/VarTrack.Cli/bin/Release/net10.0/vt.dll" "$@"; }

step() { printf '\n\033[1m$ vt %s\033[0m\n' "$*"; }
cd examples
step validate;                                               vt validate
step render configs/app.yaml --ref refs/heads/main;          vt render configs/app.yaml --ref refs/heads/main
step render configs/app.yaml --ref refs/pull/42/head;        vt render configs/app.yaml --ref refs/pull/42/head
step render configs/payments.toml --env staging;             vt render configs/payments.toml --env staging
step plan configs/app.yaml --ref refs/heads/main --current state/cache-production.json
vt plan configs/app.yaml --ref refs/heads/main --current state/cache-production.json
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'vartrack:\n  db:\n    host: a\n    host: b\n' > "$tmp/broken.yaml"
step "render broken.yaml --env production   (outside the project, built-in defaults; a duplicate key: expect exit 1 and one clear line)"
set +e; (cd "$tmp" && vt render broken.yaml --env production); code=$?; set -e
echo "exit code $code"
[ "$code" -eq 1 ]
