package datatest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
)

// Cluster is a private, throwaway PostgreSQL cluster with PostGIS, for a
// test that must stop and start its database (a fault test) without
// touching the shared one of TEST_DATABASE_URL. It listens on 127.0.0.1
// on a free port with trust authentication, like data/devdb.sh's, and is
// stopped and removed when the test ends. As root it runs as the OS user
// postgres, since PostgreSQL refuses to run as root.
type Cluster struct {
	Port  int
	bin   string
	dir   string
	asPG  bool
	t     testing.TB
	start []string
}

// clusterUser is the superuser of a Cluster.
const clusterUser = "btsplan"

// NewCluster initialises and starts a cluster with a database named db
// that has the postgis extension. Without PostgreSQL and PostGIS installed
// the test is skipped, or failed when CI is set.
func NewCluster(t testing.TB, db string) *Cluster {
	t.Helper()
	bin, err := pgBin()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("a private PostgreSQL cluster is needed but CI is set: %v", err)
		}
		t.Skipf("a private PostgreSQL cluster is needed: %v (data/devdb.sh install installs it)", err)
	}
	dir, err := os.MkdirTemp("", "btsplan-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	c := &Cluster{bin: bin, dir: dir, asPG: os.Geteuid() == 0, t: t}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if c.asPG {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, the cluster needs the OS user postgres: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := c.run("initdb", "-D", c.data(), "-U", clusterUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	c.Port = freePort(t)
	c.start = []string{"-D", c.data(), "-l", filepath.Join(dir, "postgres.log"), "-w", "-t", "60", "-o",
		fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off -c synchronous_commit=off "+
			"-c full_page_writes=off -c max_connections=60 -c shared_buffers=32MB", c.Port, dir), "start"}
	c.Start()
	t.Cleanup(func() { _, _ = c.run("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "stop") })
	psql := func(dbname, sql string) {
		if out, err := c.run("psql", "-X", "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port), "-U", clusterUser,
			"-v", "ON_ERROR_STOP=1", "-d", dbname, "-c", sql); err != nil {
			t.Fatalf("psql %s: %v\n%s", sql, err, out)
		}
	}
	psql("postgres", "CREATE DATABASE "+db)
	psql(db, "CREATE EXTENSION postgis")
	return c
}

// URL returns the connection URL of database db.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", clusterUser, c.Port, db)
}

// Stop shuts the cluster down as an administrator would (pg_ctl stop -m
// fast): sessions are ended with SQLSTATE 57P01 and the port closes.
func (c *Cluster) Stop() {
	c.t.Helper()
	if out, err := c.run("pg_ctl", "-D", c.data(), "-m", "fast", "-w", "stop"); err != nil {
		c.t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

// Start starts the cluster again, on the same port, and returns once it
// accepts connections.
func (c *Cluster) Start() {
	c.t.Helper()
	if out, err := c.run("pg_ctl", c.start...); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
		c.t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

// run runs a PostgreSQL program as the cluster's owner.
func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(c.bin, prog)
	var cmd *exec.Cmd
	if c.asPG {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = "/"
	return cmd.CombinedOutput()
}

// pgBin finds the bin folder of the newest PostgreSQL that has PostGIS,
// as data/devdb.sh does.
func pgBin() (string, error) {
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Sort(sort.Reverse(sort.StringSlice(versions)))
	for _, initdb := range versions {
		v := filepath.Base(filepath.Dir(filepath.Dir(initdb)))
		if _, err := os.Stat(filepath.Join("/usr/share/postgresql", v, "extension", "postgis.control")); err == nil {
			return filepath.Dir(initdb), nil
		}
	}
	return "", fmt.Errorf("no PostgreSQL with PostGIS under /usr/lib/postgresql")
}

// freePort returns a TCP port of 127.0.0.1 that nothing listens on.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
