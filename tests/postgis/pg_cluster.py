"""A throw-away PostgreSQL 15 cluster for tests and benchmarks (tests/postgis).

initdb in a temporary directory, the server on a Unix socket there and on 127.0.0.1 at a
free port, role `lc` with a password (scram-sha-256 for TCP, trust on the socket), fsync
off. As root the cluster runs as `nobody` (initdb refuses root). stop() removes it all;
callers register it with atexit and their signal handlers.
"""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile

PG_BIN = "/usr/lib/postgresql/15/bin"


class Cluster:
    """A PostgreSQL cluster in a temporary directory, owned by the caller or by nobody."""

    def __init__(self, password, log_statements=True):
        self.password = password
        self.log_statements = log_statements
        self.dir = tempfile.mkdtemp(prefix="lightcone-pg-")
        self.data = os.path.join(self.dir, "data")
        self.started = False
        self.as_user = []
        if os.getuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            self.as_user = ["runuser", "-u", "nobody", "--"]
        os.chmod(self.dir, 0o755)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        pw = os.path.join(self.dir, "pw")
        with open(pw, "w") as f:
            f.write(password + "\n")
        if self.as_user:
            os.chown(pw, pwd.getpwnam("nobody").pw_uid, -1)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        pw = os.path.join(self.dir, "pw")
        self.run([PG_BIN + "/initdb", "-D", self.data, "-U", "lc", "--auth-local=trust",
                  "--auth-host=scram-sha-256", "--pwfile=" + pw, "-E", "UTF8", "--no-sync"])
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off" + (" -c log_statement=all" if self.log_statements else ""))
        self.started = True  # from here on, stop() runs pg_ctl stop (harmless when it never started)
        self.run([PG_BIN + "/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-t", "60",
                  "-o", opts, "start"])

    def run(self, args):
        r = subprocess.run(self.as_user + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           cwd=self.dir)
        if r.returncode != 0:
            raise RuntimeError(" ".join(args) + " failed:\n" + r.stdout)

    def stop(self):
        if self.started:
            subprocess.run(self.as_user + [PG_BIN + "/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.dir)
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, sql, db="gis"):
        r = subprocess.run([PG_BIN + "/psql", "-h", self.dir, "-p", str(self.port), "-U", "lc", "-d", db, "-X",
                            "-v", "ON_ERROR_STOP=1", "-qtA", "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise RuntimeError("psql failed: " + sql + "\n" + r.stderr)
        return r.stdout.strip()

    def log(self):
        with open(os.path.join(self.dir, "log"), errors="replace") as f:
            return f.read()

    def conn(self, password=None, port=None, host="127.0.0.1"):
        password = self.password if password is None else password
        return f"dbname=gis host={host} port={port or self.port} user=lc password={password}"
        return f"dbname=gis host={host} port={port or self.port} user=lc password={password}"


