#!/usr/bin/env bash
# Run a real SPARQL 1.1 server on loopback, for tests and local publishing.
#
#   bash scripts/sparql-server.sh {install|start|stop|status} {virtuoso|oxigraph}
#   bash scripts/sparql-server.sh isql virtuoso 'SQL;'      # Virtuoso SQL console, for debugging
#
# Environment (all optional):
#   SPARQL_SRV_DIR     state root; each server keeps its database, log and pid under $SPARQL_SRV_DIR/<kind>
#                      (default: <project>/.sparql-server, which ignores itself in git). Delete it for a clean DB.
#   SPARQL_SRV_VENV    virtualenv holding the oxigraph server binary (default: <project>/.sparql-server/venv)
#   SPARQL_HTTP_PORT   HTTP port (default 8890 for virtuoso, 7878 for oxigraph)
#   SPARQL_SQL_PORT    Virtuoso SQL port (default 1111)
#   SPARQL_MAX_ROWS    Virtuoso ResultSetMaxRows: results are cut at this many rows (default 1000000)
#   SPARQL_TIMEOUT_S   query execution time limit in seconds (default 120)
#   SPARQL_SORTED_ROWS Virtuoso MaxSortedTopRows: an ORDER BY with LIMIT/OFFSET may sort at most this many rows, or
#                      the query fails with SR353 (default 1000000, as SPARQL_MAX_ROWS; Virtuoso's own is 10000)
#   SPARQL_BUFFERS     Virtuoso NumberOfBuffers, 8 KiB each (default 170000, about 1.3 GiB at most)
#   SPARQL_TXN_LIMIT   Virtuoso TransactionAfterImageLimit in bytes: a transaction writing more is aborted (SR325);
#                      default 1500000000, enough to replace a 1M-triple graph (Virtuoso's own default is 50 MB)
#   SPARQL_DBA_PASSWORD  Virtuoso dba password used by `isql` (default dba; the server is on loopback only)
#   SPARQL_START_TIMEOUT_S  how long `start` waits for the server to answer (default 120)
#
# Virtuoso comes from the Debian package virtuoso-opensource-7-bin (not the metapackage, which also installs
# and starts a system service); the Oxigraph server from the PyPI package `oxigraph` (a wheel holding the
# server binary; `pyoxigraph` is the Python binding, not the server).
set -euo pipefail

usage() { echo "usage: bash $0 {install|start|stop|status|isql} {virtuoso|oxigraph}" >&2; exit 2; }
CMD=${1:-}; KIND=${2:-}
case $KIND in virtuoso|oxigraph) ;; *) usage ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${SPARQL_SRV_DIR:-$ROOT/.sparql-server}
DIR=$STATE/$KIND
VENV=${SPARQL_SRV_VENV:-$ROOT/.sparql-server/venv}
OXIGRAPH_VERSION=0.5.13
if [ "$KIND" = virtuoso ]; then DEFAULT_PORT=8890; BINARY=virtuoso-t; else DEFAULT_PORT=7878; BINARY=oxigraph; fi
HTTP_PORT=${SPARQL_HTTP_PORT:-$DEFAULT_PORT}
SQL_PORT=${SPARQL_SQL_PORT:-1111}
MAX_ROWS=${SPARQL_MAX_ROWS:-1000000}
TIMEOUT_S=${SPARQL_TIMEOUT_S:-120}
SORTED_ROWS=${SPARQL_SORTED_ROWS:-1000000}
BUFFERS=${SPARQL_BUFFERS:-170000}
TXN_LIMIT=${SPARQL_TXN_LIMIT:-1500000000}
START_TIMEOUT_S=${SPARQL_START_TIMEOUT_S:-120}

ignore_state_in_git() {  # the state dir ignores itself, so no project .gitignore entry is needed
  mkdir -p "$1"; [ -f "$1/.gitignore" ] || echo '*' > "$1/.gitignore"
}

ready_url() {
  local port=${1:-$HTTP_PORT}
  if [ "$KIND" = virtuoso ]; then echo "http://127.0.0.1:$port/sparql?query=ASK%7B%7D"
  else echo "http://127.0.0.1:$port/query?query=ASK%7B%7D"; fi
}

install() {
  case $KIND in
    virtuoso)
      command -v virtuoso-t >/dev/null && command -v curl >/dev/null && return 0
      [ "$(id -u)" = 0 ] || { echo "installing Virtuoso needs root (apt-get); run: sudo bash $0 install virtuoso" >&2; exit 1; }
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin curl >/dev/null ;;
    oxigraph)
      command -v curl >/dev/null || { echo "curl is needed to check the server is ready; install it" >&2; exit 1; }
      [ -x "$VENV/bin/oxigraph" ] && return 0
      ignore_state_in_git "$(dirname "$VENV")"
      python3 -m venv "$VENV"
      "$VENV/bin/pip" install -q "oxigraph==$OXIGRAPH_VERSION" ;;
  esac
}

# PID of our server if it is running, from the pid file; checks the command line so a recycled PID is never used.
running_pid() {
  [ -f "$DIR/pid" ] || return 1
  local pid; pid=$(cat "$DIR/pid")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$BINARY" || return 1
  echo "$pid"
}

write_ini() {  # minimal virtuoso.ini, everything under $DIR, loopback only
  cat > "$DIR/virtuoso.ini" <<EOF
[Database]
DatabaseFile       = $DIR/db/virtuoso.db
ErrorLogFile       = $DIR/db/virtuoso.log
LockFile           = $DIR/db/virtuoso.lck
TransactionFile    = $DIR/db/virtuoso.trx
xa_persistent_file = $DIR/db/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = $DIR/db/virtuoso-temp.db
TransactionFile    = $DIR/db/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0
[Parameters]
ServerPort         = 127.0.0.1:$SQL_PORT
; CaseMode 2 is required: without it ASK returns a __ASK_RETVAL table instead of a boolean
CaseMode           = 2
DisableUnixSocket  = 1
NumberOfBuffers    = $BUFFERS
MaxDirtyBuffers    = $((BUFFERS * 3 / 4))
MaxQueryMem        = 1G
; an ORDER BY with LIMIT/OFFSET sorting more rows than this fails with SR353 (Virtuoso's default: 10000)
MaxSortedTopRows   = $SORTED_ROWS
; the default (50 MB) aborts a transaction writing more, such as the MOVE that swaps in a 1M-triple graph (SR325)
TransactionAfterImageLimit = $TXN_LIMIT
CheckpointInterval = 60
DirsAllowed        = ., $DIR/import
[HTTPServer]
ServerPort         = 127.0.0.1:$HTTP_PORT
ServerRoot         = $DIR/www
ServerThreads      = 10
MaxClientConnections = 10
EnabledDavVSP      = 0
[SPARQL]
; results are cut silently at ResultSetMaxRows (header X-SPARQL-MaxRows): clients must treat that as an error
ResultSetMaxRows           = $MAX_ROWS
MaxQueryExecutionTime      = $TIMEOUT_S
MaxQueryCostEstimationTime = 0
EOF
}

start() {
  install
  if pid=$(running_pid); then echo "$KIND already running (pid $pid, port $(cat "$DIR/port" 2>/dev/null))"; return 0; fi
  if curl -fsS -o /dev/null --max-time 2 "$(ready_url)" 2>/dev/null; then
    echo "another server already answers on 127.0.0.1:$HTTP_PORT; stop it or set SPARQL_HTTP_PORT" >&2; return 1
  fi
  ignore_state_in_git "$STATE"
  mkdir -p "$DIR/db" "$DIR/www" "$DIR/import"
  local t0=$SECONDS
  case $KIND in
    virtuoso) write_ini
              ( cd "$DIR/db" && exec virtuoso-t +foreground +configfile "$DIR/virtuoso.ini" ) >"$DIR/server.out" 2>&1 & ;;
    oxigraph) "$VENV/bin/oxigraph" serve --location "$DIR/db" --bind "127.0.0.1:$HTTP_PORT" \
                --timeout-s "$TIMEOUT_S" >"$DIR/server.out" 2>&1 & ;;
  esac
  local pid=$!
  echo "$pid" > "$DIR/pid"; echo "$HTTP_PORT" > "$DIR/port"
  local deadline=$((SECONDS + START_TIMEOUT_S))
  while [ $SECONDS -lt $deadline ]; do
    if curl -fsS -o /dev/null --max-time 5 "$(ready_url)" 2>/dev/null; then
      echo "$KIND ready on http://127.0.0.1:$HTTP_PORT (pid $pid, $((SECONDS - t0))s)"; return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$KIND failed to start on 127.0.0.1:$HTTP_PORT; last lines of its logs:" >&2
  tail -n 40 "$DIR/server.out" "$DIR/db/virtuoso.log" 2>/dev/null >&2 || true
  stop >/dev/null; return 1
}

stop() {
  local pid
  if ! pid=$(running_pid); then rm -f "$DIR/pid"; echo "$KIND not running"; return 0; fi
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done   # up to 30 s
  if kill -0 "$pid" 2>/dev/null; then echo "$KIND did not stop within 30 s; killing it" >&2; kill -KILL "$pid"; fi
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$DIR/pid"; echo "$KIND stopped"
}

status() {  # exit 0 when running, 3 when not (as LSB init scripts do)
  local pid
  if pid=$(running_pid); then
    local port; port=$(cat "$DIR/port" 2>/dev/null || echo "$HTTP_PORT")
    if curl -fsS -o /dev/null --max-time 5 "$(ready_url "$port")" 2>/dev/null; then
      echo "$KIND running on http://127.0.0.1:$port (pid $pid)"
    else
      echo "$KIND running (pid $pid) but not answering on http://127.0.0.1:$port"
    fi
    return 0
  fi
  echo "$KIND not running"; return 3
}

isql() {
  [ "$KIND" = virtuoso ] || { echo "isql is for virtuoso only" >&2; exit 2; }
  isql-vt "127.0.0.1:$SQL_PORT" dba "${SPARQL_DBA_PASSWORD:-dba}" exec="${1:?SQL statement}"
}

case $CMD in
  install) install ;; start) start ;; stop) stop ;; status) status ;;
  isql) isql "${3:-}" ;;
  *) usage ;;
esac
