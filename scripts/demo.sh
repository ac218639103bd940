#!/usr/bin/env bash
# The main job, one command: push to Git, config lands.
#  1. Starts the self-hosted server (vartrack-server) on its embedded default in a scratch folder: a local Git
#     repository whose push hook delivers a signed GitHub-style webhook, and the file sink (plus Redis and ZooKeeper
#     when scripts/services.sh has started them).
#  2. Commits and pushes a config file, shows the values landing, changes and removes keys, then edits a destination
#     by hand and shows the drift watcher restoring it. Stops the server gracefully.
#  3. A short tour of the vt CLI on examples/ (validate, render, plan, a sink that is down, a malformed file).
#  4. Release metadata in a local Git repository: releases, a compare-and-swap promotion, a stale one refused, verify.
# Ends by itself, cleans up, and exits non-zero if any step does not behave as shown.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for tool in curl openssl git; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends curl openssl git >/dev/null
  fi
done
dotnet build src/VarTrack.Server -c Release --verbosity quiet -nologo >/dev/null
dotnet build src/VarTrack.Cli -c Release --verbosity quiet -nologo >/dev/null
vt() { dotnet "$root/src/VarTrack.Cli/bin/Release/net10.0/vt.dll" "$@"; }
say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Redis and ZooKeeper join in when scripts/services.sh runs them.
if scripts/services.sh status >/dev/null 2>&1; then
  set -a; source <(scripts/services.sh env); set +a
  say "# services are running: the embedded default also writes Redis ($VT_REDIS) and ZooKeeper ($VT_ZOOKEEPER)"
else
  unset VT_REDIS VT_ZOOKEEPER || true
  say "# services are not running: the embedded default writes the file sink only (scripts/services.sh start adds Redis and ZooKeeper)"
fi

port=$((17000 + RANDOM % 2000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
server="http://127.0.0.1:$port"
state="$work/state"
step "vartrack-server --urls $server --VarTrack:StateDirectory=$state   (embedded default)"
dotnet "$root/src/VarTrack.Server/bin/Release/net10.0/vartrack-server.dll" --urls "$server" --VarTrack:StateDirectory="$state" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "$server/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "$server/health"; echo

wait_for() { # wait_for <seconds> <command...>: until the command succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "timed out waiting for: $*" >&2; tail -n 30 "$work/server.log" >&2; return 1; fi
    sleep 0.3
  done
}
env_file="$state/out/production/config.env"
show_sinks() {
  step "cat state/out/production/config.env"; cat "$env_file"
  if [ -n "${VT_REDIS:-}" ] && command -v redis-cli >/dev/null 2>&1; then
    step "redis-cli hgetall vartrack:production:config   (VarTrack's __vartrack provenance field left out)"
    redis-cli -h "${VT_REDIS%:*}" -p "${VT_REDIS##*:}" --no-raw hgetall vartrack:production:config | paste - - | grep -v __vartrack || true
  fi
}

say "# a developer clones the server's repository, commits a config file and pushes to main"
git clone -q "$state/repos/local/config.git" "$work/checkout" 2>/dev/null
cd "$work/checkout"
git checkout -q -b main
git config user.email dev@example.test; git config user.name dev
mkdir -p configs
printf 'database:\n  host: db.prod.internal\n  port: 5432\nfeatures:\n  checkout: on\n  search: off\n' > configs/app.yaml
git add . && git commit -qm "app config"
step "git push origin main   (the post-receive hook delivers a signed GitHub push webhook)"
git push -q origin main 2>&1 | sed 's/^/  /'
wait_for 30 grep -qs "database.host=db.prod.internal" "$env_file"
show_sinks
vt syncs list --server "$server"

say "# the next push changes one key and removes another (the rule prunes)"
printf 'database:\n  host: db2.prod.internal\n  port: 5432\nfeatures:\n  checkout: on\n' > configs/app.yaml
git commit -qam "move the database, drop the search flag"
git push -q origin main 2>&1 | sed 's/^/  /'
wait_for 30 grep -qs "database.host=db2.prod.internal" "$env_file"
show_sinks
if grep -q "features.search" "$env_file"; then echo "features.search should have been pruned" >&2; exit 1; fi

say "# someone edits the destination by hand; the drift watcher (every 2 s on the embedded default) restores it"
sed -i 's/^database.port=.*/database.port=6543/' "$env_file"
step "cat state/out/production/config.env   (hand-edited)"; cat "$env_file"
wait_for 30 grep -qs "database.port=5432" "$env_file"
show_sinks
step "vt status --server $server"
vt status --server "$server" | tee "$work/status"
grep -q "healed" "$work/status"
step "grep \"drift at\" server.log"; grep -A1 "drift at" "$work/server.log" | grep -v -e "^--$" -e "^info:" | head -n 4

step "kill -TERM vartrack-server   (graceful: finishes in-flight syncs, then stops)"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
grep -q "Application is shutting down" "$work/server.log" && echo "stopped"

say "# the vt CLI works on files directly too (examples/ in a scratch folder)"
cd "$root"
cp -r examples/. "$work/examples/" 2>/dev/null || { mkdir -p "$work/examples"; cp -r examples/. "$work/examples/"; }
cd "$work/examples"
mkdir -p out/production
main=(configs/app.yaml --ref refs/heads/main)
step "vt validate";                                               vt validate
step "vt render ${main[*]}";                                      vt render "${main[@]}"
step "vt plan ${main[*]} --current state/cache-production.json";  vt plan "${main[@]}" --current state/cache-production.json
step "vt sync ${main[*]} --sink files --commit 3f2a9c1";          vt sync "${main[@]}" --sink files --commit 3f2a9c1
step "vt sync ${main[*]} --sink cache   (REDIS_URL points at a port nothing listens on: expect exit 1 and one clear line)"
set +e; REDIS_URL=127.0.0.1:1,connectTimeout=1000 vt sync "${main[@]}" --sink cache; code=$?; set -e
echo "exit code $code"; [ "$code" -eq 1 ]
mkdir "$work/elsewhere" && printf 'vartrack:\n  db:\n    host: a\n    host: b\n' > "$work/elsewhere/broken.yaml"
step "vt render broken.yaml --env production   (a duplicate key: expect exit 1 and one clear line)"
set +e; (cd "$work/elsewhere" && vt render broken.yaml --env production); code=$?; set -e
echo "exit code $code"; [ "$code" -eq 1 ]

say "# release metadata in Git: releases, a channel promoted by compare-and-swap, a stale promotion refused"
mkdir "$work/meta" && cd "$work/meta"
git init -q --bare -b main releases.git
cat > vartrack.yaml <<'YAML'
meta:
  repository: releases.git
  project: shop
  writer: demo
  cache_directory: .work
  author: { name: Release Bot, email: bot@example.test }
YAML
api=$(printf 'api' | sha1sum | cut -c1-40); web=$(printf 'web' | sha1sum | cut -c1-40)
step "vt meta release create --id 1.0.0 --source acme/api=${api:0:7}... --source acme/web=${web:0:7}..."
vt meta release create --id 1.0.0 --source "acme/api=$api" --source "acme/web=$web" --builder ci/41 --actor demo
vt meta release create --id 1.1.0 --source "acme/api=$web" --source "acme/web=$web" --builder ci/42 --actor demo
step "vt meta promote --channel prod --release 1.0.0 --expect none";  vt meta promote --channel prod --release 1.0.0 --expect none --actor demo
step "vt meta promote --channel prod --release 1.1.0 --expect 1.0.0"; vt meta promote --channel prod --release 1.1.0 --expect 1.0.0 --actor demo
step "vt meta promote --channel prod --release 1.0.0 --expect 1.0.0   (stale: someone promoted since; expect exit 7)"
set +e; vt meta promote --channel prod --release 1.0.0 --expect 1.0.0 --actor demo; code=$?; set -e
echo "exit code $code"; [ "$code" -eq 7 ]
step "vt meta resolve --channel prod";  vt meta resolve --channel prod
step "vt meta verify   (every commit of the history checked: immutability, canonical records, the promotion chain)"
vt meta verify
step "git log --oneline   (each write is one commit)"; git --git-dir=releases.git log --oneline
say "# demo finished"
