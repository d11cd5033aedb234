#!/usr/bin/env bash
# Project-local PostgreSQL 15 + PostGIS cluster for development and tests.
#
# Usage: scripts/pg.sh COMMAND [ARG]
#   ensure-packages [--chromium]  install missing Debian packages (root, or sudo -n); --chromium adds
#                                 the test clients: chromium, gdal-bin (ogr2ogr reads the API) and
#                                 poppler-utils (pdftotext reads the shift sheets)
#   start                         initdb if needed, then start the cluster (idempotent)
#   stop                          stop the cluster if it runs
#   status                        say where the cluster lives and whether it runs
#   createdb NAME|URL             create a database with postgis + btree_gist, if missing
#   url [NAME]                    print the SQLAlchemy URL of database NAME (default: kuzet)
#   psql [NAME]                   open psql on database NAME (default: kuzet)
#
# Environment: KUZET_PG_PORT (default 5433, as DEFAULT_PG_PORT in geo/settings.py); KUZET_DATABASE_URL
# (when set, that server is used and no PostgreSQL is installed, started or stopped here); PYTHON
# (default python3.11).
#
# The cluster is a loopback-only development cluster: it listens on 127.0.0.1 and trusts every
# local connection as the superuser `kuzet`. It lives in var/pg (data/, run/ for the socket, log/).
# initdb and pg_ctl refuse to run as root, so as root they run as the `postgres` user, who must be
# able to reach the data folder; when it cannot (a checkout under /root, say) the cluster lives
# under /var/tmp/kuzet-pg-<hash of the repo path> instead.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PG_BIN=/usr/lib/postgresql/15/bin
PORT=${KUZET_PG_PORT:-5433}
PG_USER=postgres
PG_PACKAGES=(postgresql-15 postgresql-15-postgis-3)
CHROMIUM=/usr/bin/chromium
OGR2OGR=/usr/bin/ogr2ogr  # from gdal-bin: the tests copy a layer through the API with it
# WeasyPrint (the shift sheets' PDF) needs Pango; DejaVu has the Cyrillic and Kazakh glyphs.
RUNTIME_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)
PDFTOTEXT=/usr/bin/pdftotext  # from poppler-utils: the tests read the sheets' PDF with it (and pdfinfo)
SOCKET_PATH_MAX=107  # sun_path holds 108 bytes including the final NUL

say() { printf 'pg.sh: %s\n' "$*" >&2; }
die() { printf 'pg.sh: error: %s\n' "$*" >&2; exit 1; }

is_root() { [[ $(id -u) -eq 0 ]]; }
external() { [[ -n ${KUZET_DATABASE_URL:-} ]]; }

# --- Debian packages ---------------------------------------------------------------------------

is_installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]
}

# Debian's own python3.11 has no ensurepip (hence no `-m venv`) without python3.11-venv.
needs_venv_package() {
    local python=${PYTHON:-python3.11}
    [[ $(command -v "$python" || true) == /usr/bin/* ]] && ! "$python" -c 'import ensurepip' 2>/dev/null
}

# A minimal Debian 12 has no python3.11 at all; a PYTHON of the user's own is theirs to install.
needs_python_package() {
    [[ ${PYTHON:-python3.11} == python3.11 ]] && ! command -v python3.11 >/dev/null
}

missing_packages() {
    local want_chromium=$1 pkg
    if ! external; then
        for pkg in "${PG_PACKAGES[@]}"; do
            is_installed "$pkg" || echo "$pkg"
        done
    fi
    for pkg in "${RUNTIME_PACKAGES[@]}"; do
        is_installed "$pkg" || echo "$pkg"
    done
    if needs_python_package; then
        echo python3.11
        echo python3.11-venv
    elif needs_venv_package; then
        echo python3.11-venv
    fi
    if [[ $want_chromium == yes && ! -x $CHROMIUM ]]; then echo chromium; fi
    if [[ $want_chromium == yes && ! -x $OGR2OGR ]]; then echo gdal-bin; fi
    if [[ $want_chromium == yes && ! -x $PDFTOTEXT ]]; then echo poppler-utils; fi
}

# Run a command as root: directly, through `sudo -n`, or not at all (with the command to type).
as_root() {
    if is_root; then
        "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

cmd_ensure_packages() {
    local want_chromium=no
    [[ ${1:-} == --chromium ]] && want_chromium=yes
    local -a missing
    mapfile -t missing < <(missing_packages "$want_chromium")
    ((${#missing[@]} == 0)) && return 0
    if ! as_root true; then
        die "missing Debian packages: ${missing[*]}
  Install them (needs root), then run make again:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    fi
    say "installing Debian packages: ${missing[*]}"
    local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
    as_root "${apt[@]}" update
    as_root "${apt[@]}" install -y "${missing[@]}"
    [[ " ${missing[*]} " == *" postgresql-15 "* ]] && stop_debian_cluster
    return 0
}

# Installing postgresql-15 also creates and starts Debian's own cluster (15/main on port 5432).
# kuzet runs its own, so the one this script just brought along is stopped and set not to start
# at boot; a system cluster that was there before is never touched.
stop_debian_cluster() {
    local conf=/etc/postgresql/15/main/start.conf
    [[ -f $conf ]] || return 0
    say "stopping Debian's cluster 15/main (port 5432), installed just now with postgresql-15;"
    say "  kuzet uses its own. Start it again with: pg_ctlcluster 15 main start"
    as_root pg_ctlcluster 15 main stop 2>/dev/null || true
    as_root sed -i 's/^auto$/manual/' "$conf" || say "warning: could not set $conf to manual"
}

# --- where the cluster lives ---------------------------------------------------------------------

# Run a command as the owner of the cluster; from / so that the caller's folder does not matter.
as_pg_user() {
    if is_root; then
        (cd / && runuser -u "$PG_USER" -- "$@")
    else
        "$@"
    fi
}

# As root, can the postgres user reach the repo's var/ folder (every parent folder included)?
repo_reachable() {
    is_root || return 0
    local probe=$ROOT
    [[ -d $ROOT/var ]] && probe=$ROOT/var
    as_pg_user test -x "$probe"
}

base_dir() {
    if repo_reachable; then
        echo "$ROOT/var/pg"
    else
        echo "/var/tmp/kuzet-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
    fi
}

BASE=""
set_paths() {
    BASE=$(base_dir)
    DATA=$BASE/data
    RUN=$BASE/run
    LOG=$BASE/log
}

require_local() {
    external && die "KUZET_DATABASE_URL is set: that server is used, there is no local cluster"
    [[ -x $PG_BIN/pg_ctl ]] || die "PostgreSQL 15 is not installed; run: scripts/pg.sh ensure-packages"
    if is_root; then
        id "$PG_USER" >/dev/null 2>&1 || die "no '$PG_USER' user; run: scripts/pg.sh ensure-packages"
    fi
    set_paths
}

# A cluster made by one user cannot be run by another.
check_owner() {
    [[ -e $BASE ]] || return 0
    local owner expected
    owner=$(stat -c %U "$BASE")
    if is_root; then expected=$PG_USER; else expected=$(id -un); fi
    [[ $owner == "$expected" ]] ||
        die "$BASE belongs to '$owner', not '$expected': run this as the user who created it, or remove $BASE"
}

make_dirs() {
    if is_root; then
        mkdir -p "$(dirname "$BASE")"
        install -d -o "$PG_USER" -g "$PG_USER" -m 700 "$BASE" "$RUN" "$LOG"
    else
        install -d -m 700 "$BASE" "$RUN" "$LOG"
    fi
}

# --- cluster lifecycle --------------------------------------------------------------------------

is_running() {
    [[ -f $DATA/PG_VERSION ]] && as_pg_user "$PG_BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

running_port() { sed -n 4p "$DATA/postmaster.pid"; }

init_cluster() {
    say "creating the cluster in $DATA"
    as_pg_user "$PG_BIN/initdb" -D "$DATA" -U kuzet --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$LOG/initdb.log" 2>&1 || { cat "$LOG/initdb.log" >&2; die "initdb failed"; }
}

server_options() {
    local options="-c port=$PORT -c listen_addresses=127.0.0.1"
    local socket=$RUN/.s.PGSQL.$PORT
    if ((${#socket} > SOCKET_PATH_MAX)); then
        say "note: $RUN is too long a path for a unix socket; TCP only"
        echo "$options -c unix_socket_directories=''"
    else
        echo "$options -c unix_socket_directories='$RUN'"
    fi
}

port_taken() {
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2 >/dev/null 2>&1 && return 0
    # pg_isready says "no response" for a port held by something that is not PostgreSQL.
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

cmd_start() {
    if external; then
        say "KUZET_DATABASE_URL is set: using that server, starting nothing"
        return 0
    fi
    require_local
    [[ $BASE == "$ROOT/var/pg" ]] ||
        say "note: the postgres user cannot reach $ROOT; the cluster lives in $BASE instead"
    check_owner
    make_dirs
    [[ -f $DATA/PG_VERSION ]] || init_cluster
    if is_running; then
        local port
        port=$(running_port)
        [[ $port == "$PORT" ]] ||
            die "the cluster already runs on port $port, not $PORT (KUZET_PG_PORT); run 'make stop' first"
        say "cluster already running on 127.0.0.1:$PORT ($DATA)"
        return 0
    fi
    port_taken && die "port $PORT on 127.0.0.1 is taken by another server (another checkout's cluster?):
  stop it (make stop in that checkout) or choose another port: KUZET_PG_PORT=5434 make ..."
    say "starting the cluster on 127.0.0.1:$PORT (log: $LOG/postgresql.log)"
    if ! as_pg_user "$PG_BIN/pg_ctl" start -D "$DATA" -l "$LOG/postgresql.log" -w -t 60 \
        -o "$(server_options)" >/dev/null; then
        tail -n 20 "$LOG/postgresql.log" >&2 || true
        die "the cluster did not start (see $LOG/postgresql.log)"
    fi
}

cmd_stop() {
    if external; then
        say "KUZET_DATABASE_URL is set: nothing to stop"
        return 0
    fi
    require_local
    if ! is_running; then
        say "cluster not running"
        return 0
    fi
    check_owner
    as_pg_user "$PG_BIN/pg_ctl" stop -D "$DATA" -m fast -w >/dev/null
    say "cluster stopped"
}

cmd_status() {
    if external; then
        say "KUZET_DATABASE_URL is set: using that server"
        return 0
    fi
    require_local
    if is_running; then
        say "running on 127.0.0.1:$(running_port), data in $DATA"
    else
        say "not running, data in $DATA"
        return 3
    fi
}

# --- URLs and databases -------------------------------------------------------------------------

# scheme://authority[/dbname][?query]; sets BASH_REMATCH: 1 = scheme://authority, 3 = dbname, 4 = query
split_url() {
    [[ $1 =~ ^([A-Za-z][A-Za-z0-9+.-]*://[^/?]*)(/([^?]*))?(\?.*)?$ ]] || die "not a database URL: $1"
}

url_with_dbname() {
    split_url "$1"
    echo "${BASH_REMATCH[1]}/$2${BASH_REMATCH[4]}"
}

url_dbname() {
    split_url "$1"
    local name=${BASH_REMATCH[3]}
    [[ -n $name ]] || die "no database name in URL: $1"
    printf '%b\n' "${name//%/\\x}"
}

# SQLAlchemy's postgresql+psycopg://... as libpq understands it: postgresql://...
libpq_url() {
    [[ $1 =~ ^postgres(ql)?(\+[A-Za-z0-9_]+)?(://.*)$ ]] || die "not a PostgreSQL URL: $1"
    echo "postgresql${BASH_REMATCH[3]}"
}

# The app builds the same URL (geo.settings.local_database_url); tests/unit/test_default_url.py compares.
local_url() { echo "postgresql+psycopg://kuzet@127.0.0.1:$PORT/$1"; }

cmd_url() {
    if [[ $# -eq 0 ]]; then
        if external; then echo "$KUZET_DATABASE_URL"; else local_url kuzet; fi
    elif external; then
        url_with_dbname "$KUZET_DATABASE_URL" "$1"
    else
        local_url "$1"
    fi
}

psql_bin() {
    if [[ -x $PG_BIN/psql ]]; then echo "$PG_BIN/psql"; else command -v psql; fi
}

run_psql() {
    PGCONNECT_TIMEOUT=10 PGOPTIONS="-c client_min_messages=warning" "$(psql_bin)" -X -q -v ON_ERROR_STOP=1 "$@"
}

create_database() {
    local url=$1 name
    name=$(url_dbname "$url")
    run_psql "$(libpq_url "$(url_with_dbname "$url" postgres)")" -v name="$name" <<'SQL' || return 1
SELECT format('CREATE DATABASE %I', :'name')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name')\gexec
SQL
    run_psql "$(libpq_url "$url")" \
        -c 'CREATE EXTENSION IF NOT EXISTS postgis' \
        -c 'CREATE EXTENSION IF NOT EXISTS btree_gist'
}

cmd_createdb() {
    [[ $# -eq 1 ]] || die "usage: scripts/pg.sh createdb NAME|URL"
    local url=$1
    [[ $url == *://* ]] || url=$(cmd_url "$url")
    local name
    name=$(url_dbname "$url")
    if external || [[ $url != "$(local_url "$name")" ]]; then
        # Someone else's server: try, and leave it to them when we cannot.
        if ! psql_bin >/dev/null || ! create_database "$url"; then
            say "warning: could not create database '$name' with postgis and btree_gist on the server of"
            say "  $url (no psql here, or no right to); create it there yourself"
            return 0
        fi
    else
        create_database "$url" || die "could not create database '$name' (is the cluster running? scripts/pg.sh start)"
    fi
    say "database '$name' ready (postgis, btree_gist)"
}

cmd_psql() {
    local url
    url=$(cmd_url "${1:-kuzet}")
    exec "$(psql_bin)" "$(libpq_url "$url")"
}

main() {
    local command=${1:-}
    shift || true
    case $command in
        ensure-packages) cmd_ensure_packages "$@" ;;
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        createdb) cmd_createdb "$@" ;;
        url) cmd_url "$@" ;;
        psql) cmd_psql "$@" ;;
        *) sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
    esac
}

main "$@"
