# Sourced by .ci/run: start a private PostgreSQL cluster on a loopback port
# and export NEWSLENS_TEST_POSTGRES for the store tests.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdir=$(mktemp -d /tmp/newslens-pg.XXXXXX)
chown postgres "$pgdir"
port=${NEWSLENS_PG_PORT:-55432}
su postgres -s /bin/sh -c "$pgbin/initdb -D $pgdir/data -A trust -U postgres >/dev/null"
su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdir/data -o '-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off' -l $pgdir/log -w start >/dev/null"
su postgres -s /bin/sh -c "$pgbin/psql -h 127.0.0.1 -p $port -U postgres -c 'CREATE DATABASE newslens_test' >/dev/null"
export NEWSLENS_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/newslens_test?sslmode=disable"
echo "ci: PostgreSQL at $NEWSLENS_TEST_POSTGRES" >&2
