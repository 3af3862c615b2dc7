#!/usr/bin/env bash
# devdb.sh: a private PostgreSQL + PostGIS cluster for btsplan under .local/pg.
#
#   data/devdb.sh install   install PostgreSQL and PostGIS from the OS packages where missing
#   data/devdb.sh start     install if needed, init the cluster once, start it, create the
#                           databases btsplan and btsplan_test with the postgis and btree_gist extensions,
#                           and print the DATABASE_URL of btsplan on stdout
#   data/devdb.sh url [DB]  print the URL of a database (default btsplan)
#   data/devdb.sh fresh DB  drop and create database DB with PostGIS (for make load)
#   data/devdb.sh stop      stop the cluster
#
# The cluster listens on 127.0.0.1 only, on the first free port from 55432, with
# trust authentication: it is a private development and test database, and it
# runs with fsync off for speed. Never point it at data you cannot regenerate.
# PostgreSQL refuses to run as root, so when this script runs as root the
# cluster runs as the OS user "postgres" (created by the package).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
base="$top/.local/pg"
pgdata="$base/data"
rundir="$base/run"
log="$base/postgres.log"
user=btsplan

say() { printf 'devdb: %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# pg_bin prints the bin directory of the newest PostgreSQL that has PostGIS.
pg_bin() {
	local v
	for v in $(ls -1 /usr/lib/postgresql 2>/dev/null | sort -rn); do
		if [ -x "/usr/lib/postgresql/$v/bin/initdb" ] &&
			ls /usr/share/postgresql/"$v"/extension/postgis.control >/dev/null 2>&1; then
			echo "/usr/lib/postgresql/$v/bin"
			return 0
		fi
	done
	return 1
}

install_packages() {
	if pg_bin >/dev/null; then
		return 0
	fi
	say "installing PostgreSQL and PostGIS from the OS packages"
	export DEBIAN_FRONTEND=noninteractive
	as_root apt-get update -qq >&2
	# The postgis metapackage pulls the postgresql-NN-postgis-3 of the default server.
	as_root apt-get install -y -qq postgresql postgis >&2
	if ! pg_bin >/dev/null; then
		say "PostgreSQL with PostGIS is still missing after apt-get install"
		exit 1
	fi
}

# run_pg runs a PostgreSQL binary as the cluster owner.
run_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
	local p=55432
	while ! port_free "$p"; do p=$((p + 1)); done
	echo "$p"
}

url() {
	local db=${1:-btsplan}
	echo "postgres://$user@127.0.0.1:$(cat "$base/port")/$db?sslmode=disable"
}

start() {
	install_packages
	local bin
	bin=$(pg_bin)
	mkdir -p "$top/.local"
	if [ "$(id -u)" -eq 0 ] && [ ! -e "$base" ]; then
		# The cluster owner must reach .local/pg through the work tree. When a
		# parent folder (such as /root) is closed to it, the cluster lives in
		# a folder of its own and .local/pg links there.
		mkdir -p "$base"
		chown postgres: "$base"
		chmod 755 "$top/.local"
		if ! runuser -u postgres -- test -w "$base"; then
			rmdir "$base"
			local elsewhere
			elsewhere="/var/lib/btsplan-devdb/$(printf '%s' "$top" | sha1sum | cut -c1-12)"
			mkdir -p "$elsewhere"
			chown postgres: "$elsewhere"
			chmod 755 /var/lib/btsplan-devdb
			ln -s "$elsewhere" "$base"
			say "the work tree is closed to the postgres user: the cluster lives in $elsewhere (linked from .local/pg)"
		fi
	fi
	mkdir -p "$base"
	# Paths the cluster owner can follow without passing through the work tree.
	base=$(readlink -f "$base")
	pgdata="$base/data"
	rundir="$base/run"
	log="$base/postgres.log"
	if [ ! -f "$pgdata/PG_VERSION" ]; then
		say "initialising a private cluster in $pgdata"
		run_pg "$bin/initdb" -D "$pgdata" -U "$user" -A trust -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 ||
			run_pg "$bin/initdb" -D "$pgdata" -U "$user" -A trust -E UTF8 --locale=C >"$base/initdb.log" 2>&1 ||
			{ cat "$base/initdb.log" >&2; exit 1; }
	fi
	run_pg mkdir -p "$rundir"
	if run_pg "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
		:
	else
		local port
		port=$(pick_port)
		echo "$port" >"$base/port"
		say "starting PostgreSQL on 127.0.0.1:$port"
		run_pg "$bin/pg_ctl" -D "$pgdata" -l "$log" -w -t 60 start \
			-o "-p $port -c listen_addresses=127.0.0.1 -k $rundir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB" >&2 ||
			{ tail -20 "$log" >&2; exit 1; }
	fi
	local psql=("$bin/psql" -X -q -h 127.0.0.1 -p "$(cat "$base/port")" -U "$user" -v ON_ERROR_STOP=1)
	local db
	for db in btsplan btsplan_test; do
		if ! "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
			"${psql[@]}" -d postgres -c "CREATE DATABASE $db" >&2
		fi
		"${psql[@]}" -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis" -c "CREATE EXTENSION IF NOT EXISTS btree_gist" >&2
	done
	url btsplan
}

# fresh drops and creates one database of the running cluster, with PostGIS.
fresh() {
	local db=$1 bin
	case "$db" in
	btsplan | btsplan_test | postgres | template*)
		say "fresh: refusing to drop $db"
		exit 2
		;;
	esac
	[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || { say "fresh: bad database name $db"; exit 2; }
	bin=$(pg_bin)
	local psql=("$bin/psql" -X -q -h 127.0.0.1 -p "$(cat "$base/port")" -U "$user" -v ON_ERROR_STOP=1)
	"${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >&2
	"${psql[@]}" -d postgres -c "CREATE DATABASE $db" >&2
	"${psql[@]}" -d "$db" -c "CREATE EXTENSION postgis" -c "CREATE EXTENSION btree_gist" >&2
	url "$db"
}

stop() {
	local bin
	bin=$(pg_bin) || exit 0
	[ -e "$base" ] || exit 0
	base=$(readlink -f "$base")
	pgdata="$base/data"
	[ -f "$pgdata/PG_VERSION" ] || exit 0
	run_pg "$bin/pg_ctl" -D "$pgdata" -m fast stop >&2 || true
}

case "${1:-}" in
install) install_packages ;;
start) start ;;
url) url "${2:-btsplan}" ;;
fresh) fresh "${2:?usage: devdb.sh fresh DB}" ;;
stop) stop ;;
*)
	sed -n '2,14p' "$0" >&2
	exit 2
	;;
esac
