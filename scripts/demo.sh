#!/usr/bin/env bash
# The main job on the embedded example project (examples/), copied to a scratch folder: no services needed.
# It validates the project, renders a file per environment, plans against a recorded state, syncs into the file
# sink, shows status, heals a hand edit, shows a sink that is down failing cleanly, and what a malformed file gets.
# Ends by itself; exits non-zero if any step does not behave as shown.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet build src/VarTrack.Cli -c Release --verbosity quiet -nologo >/dev/null
vt() { dotnet "$root/src/VarTrack.Cli/bin/Release/net10.0/vt.dll" "$@"; }
step() { printf '\n\033[1m$ vt %s\033[0m\n' "$*"; }

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp -r examples/. "$work/"
cd "$work"
mkdir -p out/production
main=(configs/app.yaml --ref refs/heads/main)

step validate;                                               vt validate
step render "${main[@]}";                                    vt render "${main[@]}"
step render configs/app.yaml --ref refs/pull/42/head;        vt render configs/app.yaml --ref refs/pull/42/head
step render configs/payments.toml --env staging;             vt render configs/payments.toml --env staging
step plan "${main[@]}" --current state/cache-production.json
vt plan "${main[@]}" --current state/cache-production.json

step sync "${main[@]}" --sink files --commit 3f2a9c1;        vt sync "${main[@]}" --sink files --commit 3f2a9c1
printf '\n\033[1m$ cat out/production/app.env\033[0m\n';    cat out/production/app.env
step status "${main[@]}" --sink files;                       vt status "${main[@]}" --sink files | tee "$work/status1"
grep -q "drift: no" "$work/status1"

printf '\n\033[1m# someone edits the file by hand\033[0m\n'
sed -i 's/^REGION=.*/REGION=us-east-1/' out/production/app.env
step status "${main[@]}" --sink files;                       vt status "${main[@]}" --sink files | tee "$work/status2"
grep -q "drift: yes" "$work/status2"
step sync "${main[@]}" --sink files --commit 3f2a9c1   "(heals the edit: one key changed)"
vt sync "${main[@]}" --sink files --commit 3f2a9c1 | tee "$work/heal"
grep -q "1 changed" "$work/heal"

step sync "${main[@]}" --sink cache   "(REDIS_URL points at a port nothing listens on: expect exit 1 and one clear line)"
set +e; REDIS_URL=127.0.0.1:1,connectTimeout=1000 vt sync "${main[@]}" --sink cache; code=$?; set -e
echo "exit code $code"; [ "$code" -eq 1 ]

printf 'vartrack:\n  db:\n    host: a\n    host: b\n' > "$work/broken.yaml"
step "render broken.yaml --env production   (outside the project, built-in defaults; a duplicate key: expect exit 1 and one clear line)"
mkdir "$work/elsewhere" && mv "$work/broken.yaml" "$work/elsewhere/"
set +e; (cd "$work/elsewhere" && vt render broken.yaml --env production); code=$?; set -e
echo "exit code $code"
[ "$code" -eq 1 ]
