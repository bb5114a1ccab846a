#!/usr/bin/python3
"""A local RFC 3161 time-stamping service for the tests: `openssl ts -reply`
behind a tiny HTTP server (standard library only).

    tsa_server.py DIR [PORT] [--tls]

creates in DIR (once) a self-signed TSA certificate (extendedKeyUsage
critical timeStamping) and an `openssl ts` configuration, listens on
127.0.0.1:PORT (0 = any free port), prints "PORT <n>" on stdout and answers
POSTs of application/timestamp-query with application/timestamp-reply.
Every request is counted in DIR/requests (one line each).  With --tls it
serves https: DIR/tls.pem (self-signed, for IP 127.0.0.1 and localhost) is
the certificate a client must trust.
"""
import ssl
import http.server
import os
import subprocess
import sys
import tempfile

CONF = """\
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
certs = $dir/tsa.pem
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def setup(d):
    if not os.path.exists(os.path.join(d, "tsa.pem")):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-keyout", os.path.join(d, "tsa.key"), "-out", os.path.join(d, "tsa.pem"),
                        "-days", "30", "-subj", "/C=VN/O=sohoa test/CN=sohoa test TSA",
                        "-addext", "extendedKeyUsage=critical,timeStamping",
                        "-addext", "keyUsage=critical,digitalSignature"],
                       check=True, capture_output=True)
        with open(os.path.join(d, "serial"), "w") as f:
            f.write("01\n")
    with open(os.path.join(d, "ts.cnf"), "w") as f:
        f.write(CONF.format(dir=d))


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        d = self.server.tsa_dir
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(os.path.join(d, "requests"), "a") as f:
            f.write(self.headers.get("Content-Type", "") + "\n")
        with tempfile.TemporaryDirectory(dir=d) as t:
            q, r = os.path.join(t, "q.tsq"), os.path.join(t, "r.tsr")
            with open(q, "wb") as f:
                f.write(body)
            p = subprocess.run(["openssl", "ts", "-reply", "-config", os.path.join(d, "ts.cnf"),
                                "-queryfile", q, "-out", r], capture_output=True)
            if p.returncode != 0:
                self.send_response(500)
                self.end_headers()
                return
            with open(r, "rb") as f:
                data = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    args = [a for a in sys.argv[1:] if a != "--tls"]
    tls = "--tls" in sys.argv[1:]
    d = os.path.abspath(args[0])
    port = int(args[1]) if len(args) > 1 else 0
    os.makedirs(d, exist_ok=True)
    setup(d)
    srv = http.server.HTTPServer(("127.0.0.1", port), Handler)
    srv.tsa_dir = d
    if tls:
        if not os.path.exists(os.path.join(d, "tls.pem")):
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", os.path.join(d, "tls.key"),
                            "-out", os.path.join(d, "tls.pem"), "-days", "30",
                            "-subj", "/CN=localhost",
                            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                           check=True, capture_output=True)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(d, "tls.pem"), os.path.join(d, "tls.key"))
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("PORT %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
