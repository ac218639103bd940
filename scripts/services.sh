#!/usr/bin/env bash
# Real services for tests and for trying VarTrack locally: Redis, ZooKeeper, Azurite (Blob/Queue/Table),
# an S3-compatible server (s3rver), OpenSSH (for the SFTP file sink and Git over SSH) and lighttpd serving
# git http-backend (Git over HTTP, anonymous at /git/ and with basic auth at /auth/). Everything binds to 127.0.0.1 only and
# keeps its data, logs and pid files under one folder ($VT_SERVICES_DIR, default <repo>/.services).
#   scripts/services.sh start    install what is missing (apt, npm), start what is not running, print settings
#   scripts/services.sh stop     stop everything this script started
#   scripts/services.sh status   show what is running
#   scripts/services.sh env      print the connection settings as shell exports
# Ports can be moved with VT_REDIS_PORT, VT_ZOOKEEPER_PORT, VT_AZURITE_BLOB_PORT (queue/table follow), VT_S3_PORT,
# VT_SSH_PORT, VT_GIT_HTTP_PORT. Connectors tests read the same variables (or the defaults below).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${VT_SERVICES_DIR:-$repo/.services}"
redis_port="${VT_REDIS_PORT:-16379}"
zk_port="${VT_ZOOKEEPER_PORT:-12181}"
blob_port="${VT_AZURITE_BLOB_PORT:-10000}"
queue_port=$((blob_port + 1))
table_port=$((blob_port + 2))
s3_port="${VT_S3_PORT:-14568}"
ssh_port="${VT_SSH_PORT:-12222}"
git_http_port="${VT_GIT_HTTP_PORT:-18080}"
azurite_version="3.35.0"
s3rver_version="4.0.4"
npm_dir="$dir/npm"

log() { echo "services: $*" >&2; }

apt_updated=0
ensure_apt() { # ensure_apt <command-or-path> <package>
  if command -v "$1" >/dev/null 2>&1 || [ -e "$1" ]; then return; fi
  log "installing Debian package $2"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ "$apt_updated" -eq 0 ]; then $sudo apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}

ensure_npm() {
  if [ -x "$npm_dir/node_modules/.bin/azurite" ] && [ -f "$npm_dir/node_modules/@20minutes/s3rver/lib/cli.js" ]; then return; fi
  log "installing npm packages azurite@$azurite_version @20minutes/s3rver@$s3rver_version into $npm_dir"
  mkdir -p "$npm_dir"
  npm install --prefix "$npm_dir" --no-audit --no-fund --loglevel=error "azurite@$azurite_version" "@20minutes/s3rver@$s3rver_version" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { # running <name>
  local pidfile="$dir/pids/$1.pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

wait_port() { # wait_port <name> <port>
  for _ in $(seq 1 120); do
    if port_open "$2"; then return 0; fi
    if ! running "$1"; then log "$1 exited; see $dir/logs/$1.log"; tail -n 20 "$dir/logs/$1.log" >&2 || true; return 1; fi
    sleep 0.5
  done
  log "$1 did not open port $2 within 60 s; see $dir/logs/$1.log"; return 1
}

launch() { # launch <name> <port> <command...>
  local name="$1" port="$2"; shift 2
  if running "$name"; then return; fi
  if port_open "$port"; then log "port $port is taken by another program; set the port variable for $name"; return 1; fi
  nohup "$@" >"$dir/logs/$name.log" 2>&1 &
  echo $! >"$dir/pids/$name.pid"
  wait_port "$name" "$port"
}

start_redis() {
  ensure_apt redis-server redis-server
  mkdir -p "$dir/data/redis"
  launch redis "$redis_port" redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$dir/data/redis" \
    --save "" --appendonly no --protected-mode yes --daemonize no
}

start_zookeeper() {
  ensure_apt /usr/share/java/zookeeper.jar zookeeper
  ensure_apt java default-jre-headless
  mkdir -p "$dir/data/zookeeper"
  cat >"$dir/data/zookeeper.cfg" <<CFG
tickTime=2000
dataDir=$dir/data/zookeeper
clientPort=$zk_port
clientPortAddress=127.0.0.1
admin.enableServer=false
maxClientCnxns=200
4lw.commands.whitelist=ruok,stat
CFG
  launch zookeeper "$zk_port" java -Xmx256m -cp "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar" \
    org.apache.zookeeper.server.ZooKeeperServerMain "$dir/data/zookeeper.cfg"
}

start_azurite() {
  ensure_npm
  mkdir -p "$dir/data/azurite"
  launch azurite "$blob_port" "$npm_dir/node_modules/.bin/azurite" --silent --disableTelemetry --skipApiVersionCheck \
    --location "$dir/data/azurite" --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
    --tableHost 127.0.0.1 --tablePort "$table_port"
}

start_s3() {
  ensure_npm
  mkdir -p "$dir/data/s3"
  launch s3 "$s3_port" node --openssl-legacy-provider "$repo/scripts/s3rver.js" "$npm_dir/node_modules/@20minutes/s3rver/lib/cli.js" --address 127.0.0.1 --port "$s3_port" \
    --directory "$dir/data/s3" --allow-mismatched-signatures --silent
}

start_ssh() {
  ensure_apt /usr/sbin/sshd openssh-server
  ensure_apt ssh-keygen openssh-client
  local d="$dir/ssh"
  mkdir -p "$d" /run/sshd
  [ -f "$d/host_ed25519" ] || ssh-keygen -q -t ed25519 -N "" -f "$d/host_ed25519"
  [ -f "$d/client_ed25519" ] || ssh-keygen -q -t ed25519 -N "" -f "$d/client_ed25519"
  cp "$d/client_ed25519.pub" "$d/authorized_keys"
  chmod 600 "$d/authorized_keys"
  cat >"$d/sshd_config" <<CFG
ListenAddress 127.0.0.1
Port $ssh_port
HostKey $d/host_ed25519
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
CFG
  launch sshd "$ssh_port" /usr/sbin/sshd -D -e -f "$d/sshd_config"
}

# Command-line tools the tests use without a server: age (interop tests of the age file encryption).
ensure_tools() {
  ensure_apt age age
}

start_githttp() {
  ensure_apt lighttpd lighttpd
  local d="$dir/githttp"
  mkdir -p "$d/repos" "$d/www"
  # Generated once: the basic-auth password of user 'vartrack' for /auth/ (lighttpd's plain backend reads user:password).
  [ -s "$d/password" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 24 >"$d/password")
  (umask 077; printf 'vartrack:%s\n' "$(cat "$d/password")" >"$d/users")
  cat >"$d/lighttpd.conf" <<CFG
server.modules = ("mod_access", "mod_alias", "mod_auth", "mod_authn_file", "mod_cgi", "mod_setenv")
server.bind = "127.0.0.1"
server.port = $git_http_port
server.document-root = "$d/www"
server.max-request-size = 1048576
# Same repositories at both locations; push is on (http.receivepack) so tests can git push over HTTP.
setenv.add-environment = (
  "GIT_PROJECT_ROOT" => "$d/repos",
  "GIT_HTTP_EXPORT_ALL" => "1",
  "GIT_CONFIG_COUNT" => "2",
  "GIT_CONFIG_KEY_0" => "http.receivepack",
  "GIT_CONFIG_VALUE_0" => "true",
  "GIT_CONFIG_KEY_1" => "safe.directory",
  "GIT_CONFIG_VALUE_1" => "*"
)
alias.url = (
  "/git/" => "/usr/lib/git-core/git-http-backend/",
  "/auth/" => "/usr/lib/git-core/git-http-backend/"
)
cgi.assign = ("/git-http-backend" => "")
auth.backend = "plain"
auth.backend.plain.userfile = "$d/users"
auth.require = ("/auth/" => ("method" => "basic", "realm" => "vartrack-git", "require" => "valid-user"))
CFG
  launch githttp "$git_http_port" lighttpd -D -f "$d/lighttpd.conf"
}

print_env() {
  cat <<ENV
export VT_SERVICES_DIR='$dir'
export VT_REDIS='127.0.0.1:$redis_port'
export VT_ZOOKEEPER='127.0.0.1:$zk_port'
export VT_AZURE_STORAGE='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;'
export VT_S3_ENDPOINT='http://127.0.0.1:$s3_port'
export VT_S3_ACCESS_KEY='S3RVER'
export VT_S3_SECRET_KEY='S3RVER'
export VT_SSH='$(id -un)@127.0.0.1:$ssh_port'
export VT_SSH_KEY='$dir/ssh/client_ed25519'
export VT_SSH_HOST_KEY='$dir/ssh/host_ed25519.pub'
export VT_GIT_HTTP='http://127.0.0.1:$git_http_port'
export VT_GIT_HTTP_ROOT='$dir/githttp/repos'
export VT_GIT_HTTP_PASSWORD_FILE='$dir/githttp/password'
ENV
}

services=(redis zookeeper azurite s3 sshd githttp)
ports() { case "$1" in redis) echo "$redis_port";; zookeeper) echo "$zk_port";; azurite) echo "$blob_port";; s3) echo "$s3_port";; sshd) echo "$ssh_port";; githttp) echo "$git_http_port";; esac; }

cmd="${1:-status}"
mkdir -p "$dir/pids" "$dir/logs" "$dir/data"
case "$cmd" in
  start)
    ensure_apt age age   # the age tool: release metadata encryption tests (AgeToolCipher) and its interop reference
    start_redis; start_zookeeper; start_azurite; start_s3; start_ssh; start_githttp
    ensure_tools
    print_env >"$dir/env"
    log "all services up (settings in $dir/env):"
    print_env
    ;;
  stop)
    for s in "${services[@]}"; do
      if running "$s"; then kill "$(cat "$dir/pids/$s.pid")" 2>/dev/null || true; fi
    done
    for s in "${services[@]}"; do
      for _ in $(seq 1 40); do running "$s" || break; sleep 0.25; done
      if running "$s"; then kill -9 "$(cat "$dir/pids/$s.pid")" 2>/dev/null || true; fi
      rm -f "$dir/pids/$s.pid"
    done
    log "stopped"
    ;;
  status)
    rc=0
    for s in "${services[@]}"; do
      if running "$s" && port_open "$(ports "$s")"; then echo "$s: running on 127.0.0.1:$(ports "$s")"; else echo "$s: stopped"; rc=3; fi
    done
    exit $rc
    ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
