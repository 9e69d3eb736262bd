//go:build linux

package interop

import (
	"os"
	"testing"

	"github.com/lifeline-app/lifeline/checks"
	"github.com/lifeline-app/lifeline/internal/fixture"
)

// microsocks with username/password: the right credentials reach the messenger, the wrong
// ones take the route down with the authentication named, and the password never shows.
func TestMicrosocksAuth(t *testing.T) {
	requireLab(t, "microsocks")
	srv := messenger(t)
	const user, pass = "lifeline", "s3cret-Pa55"
	addr := fixture.FreeLoopbackAddr(t)
	ms := startDaemon(t, "microsocks", "-i", "127.0.0.1", "-p", portOf(t, addr), "-u", user, "-P", pass)
	ms.waitListening(t, addr)

	const wrongPass = "not-the-password"
	o := sweep(t, []checks.RouteSpec{
		{Name: "socks-good", Kind: checks.RouteSOCKS5, Proxy: proxyURL("socks5", addr, user, pass)},
		{Name: "socks-bad", Kind: checks.RouteSOCKS5, Proxy: proxyURL("socks5", addr, user, wrongPass)},
		{Name: "socks-none", Kind: checks.RouteSOCKS5, Proxy: proxyURL("socks5", addr, "", "")},
	}, messengerService(srv))

	expectVerdict(t, o, "socks-good", "messenger", checks.VerdictOK)
	bad := expectVerdict(t, o, "socks-bad", "messenger", checks.VerdictRouteDown, "authentication")
	if bad.Cause == nil || bad.Cause.Failure != checks.FailProxyAuth {
		t.Errorf("wrong password: cause %v, want %s", bad.Cause, checks.FailProxyAuth)
	}
	// A client offering no credentials to a proxy that demands them is told so, too.
	none := expectVerdict(t, o, "socks-none", "messenger", checks.VerdictRouteDown, "authentication")
	if none.Cause == nil || none.Cause.Failure != checks.FailProxyAuth {
		t.Errorf("no credentials: cause %v, want %s", none.Cause, checks.FailProxyAuth)
	}
	if r := o.routes["socks-bad"]; r.OK {
		t.Errorf("route with the wrong password reported up: %+v", r)
	}
	expectNoSecret(t, o, pass)
	expectNoSecret(t, o, wrongPass)
}

// dante without authentication (username auth in dante needs system accounts, and microsocks
// already covers RFC 1929): a reachable messenger is ok, a closed port is blocked with the
// refusal the proxy reported, and a proxy that is not running takes the route down.
func TestDanteNoAuth(t *testing.T) {
	requireLab(t, "danted")
	srv := messenger(t)
	addr := fixture.FreeLoopbackAddr(t)
	closed := fixture.FreeLoopbackAddr(t)
	dir := t.TempDir()
	conf := writeFile(t, dir, "danted.conf", `logoutput: stderr
internal: 127.0.0.1 port = `+portOf(t, addr)+`
external: 127.0.0.1
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass {
	from: 127.0.0.0/8 to: 0.0.0.0/0
}
socks pass {
	from: 127.0.0.0/8 to: 127.0.0.0/8
	command: connect
}
`)
	dd := startDaemon(t, "danted", "-f", conf, "-p", dir+"/danted.pid")
	dd.waitListening(t, addr)

	dead := fixture.FreeLoopbackAddr(t)
	o := sweep(t, []checks.RouteSpec{
		{Name: "dante", Kind: checks.RouteSOCKS5, Proxy: proxyURL("socks5", addr, "", "")},
		{Name: "dead", Kind: checks.RouteSOCKS5, Proxy: proxyURL("socks5", dead, "", "")},
	}, messengerService(srv), service("closed", tlsTarget(closed)))

	expectVerdict(t, o, "dante", "messenger", checks.VerdictOK)
	c := expectVerdict(t, o, "dante", "closed", checks.VerdictBlocked, "refused")
	if c.Cause == nil || c.Cause.Operation != checks.OpProxyConnect {
		t.Errorf("closed port: cause %v, want a failure in %s", c.Cause, checks.OpProxyConnect)
	}
	expectVerdict(t, o, "dead", "messenger", checks.VerdictRouteDown, "refused")
}

// ssh -D, the SOCKS5 proxy many people already have: sshd on loopback with a throwaway host
// key and an authorized key for root, a client forwarding dynamically, the messenger ok.
func TestSSHDynamicForward(t *testing.T) {
	requireLab(t, "sshd", "ssh", "ssh-keygen")
	srv := messenger(t)
	dir := t.TempDir()
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lifeline-interop-host", "-f", dir+"/host_key")
	run(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lifeline-interop-client", "-f", dir+"/client_key")
	pub, err := os.ReadFile(dir + "/client_key.pub")
	if err != nil {
		t.Fatal(err)
	}
	authorized := writeFile(t, dir, "authorized_keys", string(pub))
	// sshd refuses to start without its privilege separation directory.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
	sshdAddr := fixture.FreeLoopbackAddr(t)
	conf := writeFile(t, dir, "sshd_config", `ListenAddress `+sshdAddr+`
HostKey `+dir+`/host_key
PidFile `+dir+`/sshd.pid
AuthorizedKeysFile `+authorized+`
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
LogLevel VERBOSE
`)
	sshdPath, err := lookAbs("sshd")
	if err != nil {
		t.Fatal(err)
	}
	// sshd re-executes itself and so must be started by absolute path.
	sd := startDaemon(t, sshdPath, "-D", "-e", "-f", conf)
	sd.waitListening(t, sshdAddr)

	socksAddr := fixture.FreeLoopbackAddr(t)
	cl := startDaemon(t, "ssh", "-F", "/dev/null", "-N",
		"-D", socksAddr, "-p", portOf(t, sshdAddr), "-i", dir+"/client_key",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "ExitOnForwardFailure=yes",
		"-o", "ConnectTimeout=10", "root@127.0.0.1")
	cl.waitListening(t, socksAddr)

	o := sweep(t, []checks.RouteSpec{
		{Name: "ssh-d", Kind: checks.RouteSOCKS5, Proxy: proxyURL("socks5", socksAddr, "", "")},
	}, messengerService(srv))
	c := expectVerdict(t, o, "ssh-d", "messenger", checks.VerdictOK)
	for _, tr := range c.Targets {
		if !tr.OK {
			t.Errorf("target %s through ssh -D failed: %v", tr.Target, tr.Err)
		}
	}
}
