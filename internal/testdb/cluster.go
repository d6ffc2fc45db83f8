package testdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to wait for the server
)

// Cluster is a throwaway PostgreSQL server in a directory of its own,
// listening only on 127.0.0.1 with trust authentication and its unix socket
// in that directory. fsync stays on: the tests measure and rely on durable
// commits like production's.
type Cluster struct {
	Dir string // holds data/, postgres.log, the socket and url
	URL string // postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable

	bin      string
	cred     *syscall.Credential // the postgres OS user when we are root
	detached bool
	exited   chan error // attached: the server process's exit
	proc     *os.Process
}

// EnvPGBin names a directory holding initdb, pg_ctl and postgres; by
// default the newest /usr/lib/postgresql/*/bin, preferring 15.
const EnvPGBin = "KNEAD_PG_BIN"

func pgBinDir() (string, error) {
	if d := os.Getenv(EnvPGBin); d != "" {
		return d, nil
	}
	if _, err := os.Stat("/usr/lib/postgresql/15/bin/initdb"); err == nil {
		return "/usr/lib/postgresql/15/bin", nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	if len(dirs) > 0 {
		return dirs[0], nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no PostgreSQL server binaries: install postgresql-15 (apt-get install postgresql-15) or set " + EnvPGBin)
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// StartCluster makes a new cluster in dir (created if need be; it must not
// hold one already) and starts it. Attached, the server is a child of this
// process and dies with it; detached (for the pgcluster command), it is
// started by pg_ctl and outlives this process until StopDir.
func StartCluster(dir string, detached bool) (*Cluster, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		return nil, fmt.Errorf("%s already holds a cluster; stop it first", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create cluster directory: %w", err)
	}
	c := &Cluster{Dir: dir, bin: bin, detached: detached}
	if c.cred, err = serverCredential(); err != nil {
		return nil, err
	}
	if c.cred != nil {
		// initdb and postgres refuse to run as root; the server runs as the
		// postgres OS user and must own its directory.
		if err := os.Chown(dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return nil, fmt.Errorf("chown %s to postgres: %w", dir, err)
		}
	}
	out, err := c.command("initdb", "-D", c.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8",
		"--locale=C", "--no-sync", "--no-instructions").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	// A free port can be taken between our probe and the server's bind; a
	// few tries make that race harmless.
	for try := 1; ; try++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		err = c.start(port)
		if err == nil {
			return c, nil
		}
		if try == 3 {
			return nil, err
		}
	}
}

// serverCredential returns the postgres OS user to run the server as when
// this process is root, and nil otherwise.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, and PostgreSQL refuses root: need the postgres OS user: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("postgres OS user has ids %q and %q", u.Uid, u.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (c *Cluster) data() string { return filepath.Join(c.Dir, "data") }
func (c *Cluster) log() string  { return filepath.Join(c.Dir, "postgres.log") }

func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.Dir // the postgres user may not enter our working directory
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// serverOptions are the server's settings: loopback only, socket in the
// cluster directory, enough connections for parallel test packages and the
// concurrency tests, durable commits.
func (c *Cluster) serverOptions(port int) []string {
	return []string{
		"-c", "listen_addresses=127.0.0.1",
		"-c", "port=" + strconv.Itoa(port),
		"-c", "unix_socket_directories=" + c.Dir,
		"-c", "fsync=on",
		"-c", "synchronous_commit=on",
		"-c", "max_connections=400",
		"-c", "shared_buffers=128MB",
		"-c", "max_pred_locks_per_transaction=256",
		"-c", "max_wal_size=4GB", // bulk loads of benchmarks checkpoint less
		"-c", "wal_buffers=16MB",
		"-c", "log_min_messages=warning",
		"-c", "log_min_error_statement=panic",
	}
}

func (c *Cluster) start(port int) error {
	c.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	if c.detached {
		out, err := c.command("pg_ctl", "-D", c.data(), "-l", c.log(), "-w", "-t", "60",
			"-o", strings.Join(c.serverOptions(port), " "), "start").CombinedOutput()
		if err != nil {
			return fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, tail(c.log()))
		}
		return os.WriteFile(filepath.Join(c.Dir, "url"), []byte(c.URL+"\n"), 0o644)
	}
	logFile, err := os.OpenFile(c.log(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("server log: %w", err)
	}
	defer logFile.Close()
	cmd := c.command("postgres", append([]string{"-D", c.data()}, c.serverOptions(port)...)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Should this process die without stopping the server (a panic in a
	// test, a kill), the kernel sends the server SIGQUIT, its immediate
	// shutdown. The signal follows the OS thread that started the child, so
	// that thread stays locked to a goroutine that lives as long as the
	// server.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	started := make(chan error, 1)
	c.exited = make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		c.exited <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.proc = cmd.Process
	if err := c.waitReady(30 * time.Second); err != nil {
		c.proc.Kill()
		<-c.exited
		return err
	}
	return nil
}

// waitReady polls until the server accepts a query.
func (c *Cluster) waitReady(limit time.Duration) error {
	db, err := sql.Open("pgx", c.URL)
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(limit)
	for {
		select {
		case err := <-c.exited:
			c.exited <- err
			return fmt.Errorf("postgres exited while starting: %v\n%s", err, tail(c.log()))
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not answer within %v: %v\n%s", limit, err, tail(c.log()))
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Stop shuts the server down (fast: sessions are ended) and removes Dir.
func (c *Cluster) Stop() error {
	var err error
	if c.detached {
		err = StopDir(c.Dir)
	} else {
		c.proc.Signal(syscall.SIGINT)
		select {
		case <-c.exited:
		case <-time.After(20 * time.Second):
			c.proc.Kill()
			<-c.exited
			err = errors.New("postgres did not stop within 20s; killed")
		}
		err = errors.Join(err, os.RemoveAll(c.Dir))
	}
	return err
}

// StopDir stops a detached cluster made in dir by StartCluster and removes
// dir. It refuses a directory that does not look like one.
func StopDir(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err != nil {
		return fmt.Errorf("%s holds no cluster: %w", dir, err)
	}
	bin, err := pgBinDir()
	if err != nil {
		return err
	}
	cred, err := serverCredential()
	if err != nil {
		return err
	}
	c := &Cluster{Dir: dir, bin: bin, cred: cred}
	if _, err := os.Stat(filepath.Join(dir, "data", "postmaster.pid")); err == nil {
		if out, err := c.command("pg_ctl", "-D", c.data(), "-m", "fast", "-w", "stop").CombinedOutput(); err != nil {
			return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
		}
	}
	return os.RemoveAll(dir)
}

// URLOf returns the URL of the detached cluster in dir.
func URLOf(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "url"))
	if err != nil {
		return "", fmt.Errorf("no cluster URL in %s: %w", dir, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// tail returns the end of a log file, to explain a failed start.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
