package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// ok is a valid tail that error cases append to or replace parts of.
const (
	okRoutes   = "routes:\n  - name: direct\n    direct: true\n"
	okServices = "services: [whatsapp]\n"
)

func TestParseErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "notpem.pem", "hello\n", 0o600)
	writeFile(t, dir, "empty.pass", "\n", 0o600)
	transfer := func(target string) string {
		return okRoutes + "services:\n  - name: m\n    targets:\n      - {role: media, transfer: " + target + "}\n"
	}
	cases := []struct {
		name, doc string
		pos       string // "line:col"
		msg       string // part of the message
	}{
		{"syntax", "routes: [\n", "", "YAML"},
		{"empty", "", "1:1", "empty"},
		{"comments only", "# nothing\n", "1:1", "empty"},
		{"not a mapping", "- a\n- b\n", "1:1", "must be a mapping"},
		{"unknown top key", "intervall: 30s\n" + okRoutes + okServices, "1:1", `unknown key "intervall"`},
		{"unknown route key", "routes:\n  - name: a\n    direct: true\n    prxy: x\n" + okServices, "4:5", `unknown key "prxy" in route 1`},
		{"unknown target key", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: chat, tls: a.b:443, foo: 1}\n", "7:36", `unknown key "foo"`},
		{"duplicate key", "interval: 30s\ninterval: 20s\n" + okRoutes + okServices, "2:1", `mapping key "interval" already defined`},
		{"duration without unit", "interval: 30\n" + okRoutes + okServices, "1:11", "needs a unit, e.g. 30s"},
		{"bad duration", "timeout: soon\n" + okRoutes + okServices, "1:10", `"soon" is not a duration`},
		{"negative duration", "slow: -1s\n" + okRoutes + okServices, "1:7", "slow must be positive"},
		{"duration as list", "interval: [1s]\n" + okRoutes + okServices, "1:11", "interval must be a duration"},
		{"interval under its floor", "interval: 1ms\n" + okRoutes + okServices, "1:11", "interval: 1ms is below the floor of 1s"},
		{"step over timeout", "timeout: 5s\nstep_timeout: 6s\n" + okRoutes + okServices, "2:15", "must not exceed timeout"},
		{"negative number", "concurrency: -4\n" + okRoutes + okServices, "1:14", "concurrency must not be negative"},
		{"zero per_route", "per_route: 0\n" + okRoutes + okServices, "1:12", "per_route must be at least 1"},
		{"number as text", "history: \"many\"\n" + okRoutes + okServices, "1:10", "history must be a whole number"},
		{"threshold negative", "failure_threshold: -1\n" + okRoutes + okServices, "1:20", "must not be negative"},
		{"missing routes", okServices, "1:1", "no routes"},
		{"empty routes", "routes: []\n" + okServices, "1:1", "routes is empty"},
		{"missing services", okRoutes, "1:1", "no services"},
		{"empty services", okRoutes + "services: []\n", "4:1", "services is empty"},
		{"route not a mapping", "routes:\n  - direct\n" + okServices, "2:5", "route 1 must be a mapping"},
		{"route without name", "routes:\n  - direct: true\n" + okServices, "2:5", "route 1 needs a name"},
		{"bad route name", "routes:\n  - name: \"my route\"\n    direct: true\n" + okServices, "2:11", `route name "my route"`},
		{"route without kind", "routes:\n  - name: a\n" + okServices, "2:5", `route "a" needs one of direct: true, interface or proxy`},
		{"direct false", "routes:\n  - name: a\n    direct: false\n" + okServices, "2:5", "needs one of"},
		{"route with two kinds", "routes:\n  - name: a\n    direct: true\n    interface: wg0\n" + okServices, "4:5", "has both direct and interface"},
		{"direct not bool", "routes:\n  - name: a\n    direct: yes please\n" + okServices, "3:13", "direct must be true or false"},
		{"duplicate route", "routes:\n  - {name: a, direct: true}\n  - {name: a, interface: wg0}\n" + okServices, "3:12", `duplicate route name "a" (first at line 2)`},
		{"bad scheme", "routes:\n  - {name: a, proxy: \"https://127.0.0.1:443\"}\n" + okServices, "2:22", "unsupported scheme"},
		{"no scheme", "routes:\n  - {name: a, proxy: \"127.0.0.1:1080\"}\n" + okServices, "2:22", "proxy:"},
		{"proxy without port", "routes:\n  - {name: a, proxy: \"socks5://127.0.0.1\"}\n" + okServices, "2:22", "needs a port"},
		{"proxy without host", "routes:\n  - {name: a, proxy: \"socks5://:1080\"}\n" + okServices, "2:22", "needs a host"},
		{"proxy bad port", "routes:\n  - {name: a, proxy: \"socks5://h:99999\"}\n" + okServices, "2:22", "port"},
		{"proxy with path", "routes:\n  - {name: a, proxy: \"http://h:8080/x\"}\n" + okServices, "2:22", "only scheme://"},
		{"unset env", "routes:\n  - {name: a, proxy: \"http://u:${LIFELINE_TEST_UNSET}@h:1\"}\n" + okServices, "2:22", "environment variable LIFELINE_TEST_UNSET is not set"},
		{"unterminated env", "routes:\n  - {name: a, proxy: \"http://u:${X@h:1\"}\n" + okServices, "2:22", "unterminated ${"},
		{"password_file without user", "routes:\n  - name: a\n    proxy: socks5://h:1\n    password_file: x\n" + okServices, "4:5", "needs a user name"},
		{"password_file missing", "routes:\n  - name: a\n    proxy: socks5://u@h:1\n    password_file: nope.pass\n" + okServices, "4:20", "cannot read password_file nope.pass"},
		{"password_file is a directory", "routes:\n  - name: a\n    proxy: socks5://u@h:1\n    password_file: .\n" + okServices, "4:20", "is a directory"},
		{"password_file empty", "routes:\n  - name: a\n    proxy: socks5://u@h:1\n    password_file: empty.pass\n" + okServices, "4:20", "is empty"},
		{"password_file a device", "routes:\n  - name: a\n    proxy: socks5://u@h:1\n    password_file: /dev/zero\n" + okServices, "4:20", "not a regular file"},
		{"ca file a device", "ca_files: [/dev/zero]\n" + okRoutes + okServices, "1:12", "not a regular file"},
		{"password twice", "routes:\n  - name: a\n    proxy: socks5://u:p@h:1\n    password_file: x\n" + okServices, "4:5", "already has a password"},
		{"password_file on direct", "routes:\n  - name: a\n    direct: true\n    password_file: x\n" + okServices, "4:5", "proxy routes only"},
		{"dns on proxy", "routes:\n  - name: a\n    proxy: socks5://h:1\n    dns: 1.1.1.1\n" + okServices, "4:5", "interface routes only"},
		{"bad dns", "routes:\n  - name: a\n    interface: wg0\n    dns: resolver.example\n" + okServices, "4:10", "resolver's IP address"},
		{"bad interface", "routes:\n  - name: a\n    interface: \"wg 0\"\n" + okServices, "3:16", "not a device name"},
		{"bad control", "control: ftp://x\n" + okRoutes + okServices, "1:10", "control: use an https:// URL"},
		{"bad route control", "routes:\n  - name: a\n    direct: true\n    control: tcp://nohost\n" + okServices, "4:14", `"nohost" is not host:port`},
		{"control mapping two kinds", "control: {tcp: \"a:1\", tls: \"a:1\"}\n" + okRoutes + okServices, "1:23", "both tcp and tls"},
		{"control bad role", "control: {role: chat, tcp: \"a:1\"}\n" + okRoutes + okServices, "1:17", "role is control"},
		{"ca file missing", "ca_files: [missing.pem]\n" + okRoutes + okServices, "1:12", "missing.pem"},
		{"ca file not pem", "ca_files: [notpem.pem]\n" + okRoutes + okServices, "1:12", "no PEM certificate"},
		{"ca_files not a list", "ca_files: 3\n" + okRoutes + okServices, "1:11", "ca_files must be a list"},
		{"route ca file missing", "routes:\n  - name: a\n    direct: true\n    ca_files: [nope.pem]\n" + okServices, "4:16", "nope.pem"},
		{"unknown service", okRoutes + "services: [whatsap]\n", "4:12", `unknown service "whatsap" (built in: whatsapp, telegram, signal, max, messenger, discord, viber`},
		{"duplicate service", okRoutes + "services:\n  - telegram\n  - telegram\n", "6:5", `duplicate service "telegram" (first at line 5)`},
		{"inline duplicates catalog", okRoutes + "services:\n  - whatsapp\n  - name: whatsapp\n    targets: [{role: chat, tcp: \"a:1\"}]\n", "6:11", `duplicate service "whatsapp"`},
		{"service without name", okRoutes + "services:\n  - targets: [{role: chat, tcp: \"a:1\"}]\n", "5:5", "service 1 needs a name"},
		{"service without targets", okRoutes + "services:\n  - name: m\n", "5:5", `service "m" needs targets`},
		{"service empty targets", okRoutes + "services:\n  - name: m\n    targets: []\n", "6:5", "has no targets"},
		{"service list item", okRoutes + "services:\n  - [a]\n", "5:5", "service 1 must be a catalog name"},
		{"target no kind", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: chat}\n", "7:9", "target 1 needs one of: tcp, tls, https, http_post"},
		{"target two kinds", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: chat, tcp: \"a:1\", tls: \"a:1\"}\n", "7:34", "has both tcp and tls"},
		{"target bad role", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: chatt, tcp: \"a:1\"}\n", "7:16", `unknown role "chatt"`},
		{"target no role", okRoutes + "services:\n  - name: m\n    targets:\n      - tcp: \"a:1\"\n", "7:9", "needs a role"},
		{"target control role", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: control, tcp: \"a:1\"}\n", "7:16", `unknown role "control"`},
		{"target bad hostport", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: chat, tls: \"example.org\"}\n", "7:27", `"example.org" is not host:port`},
		{"target bad port", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: chat, tcp: \"a.b:0\"}\n", "7:27", "needs a port from 1 to 65535"},
		{"target http url", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: web, https: \"http://a.b/\"}\n", "7:28", "must be an https:// URL"},
		{"target sni on tcp", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: chat, tcp: \"a:1\", sni: b}\n", "7:34", "sni applies to tls targets only"},
		{"target expect on tls", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: chat, tls: \"a:1\", expect: 200}\n", "7:34", "expect applies to https"},
		{"target bad expect", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: web, https: \"https://a/\", expect: 999}\n", "7:50", "HTTP status"},
		{"short too long", okRoutes + "services:\n  - name: m\n    short: TOOLONG\n    targets: [{role: chat, tcp: \"a:1\"}]\n", "6:12", "at most 5"},
		{"alias", "x: &a 1\n" + okRoutes + okServices, "1:1", `unknown key "x"`},
		{"alias use", "routes:\n  - &r {name: a, direct: true}\n  - *r\n" + okServices, "3:5", "aliases"},
		{"deep nesting", "routes: " + strings.Repeat("[", 40) + strings.Repeat("]", 40) + "\n", "1:41", "nested too deeply"},
		{"two documents", okRoutes + okServices + "---\n" + okRoutes + okServices, "6:1", "only one YAML document"},
		{"bad webhook", "webhook: ftp://x\n" + okRoutes + okServices, "1:10", "webhook: must be an http:// or https:// URL"},
		{"dns_compare not a resolver", "dns_compare: not a resolver\n" + okRoutes + okServices, "1:14", `dns_compare: "not a resolver" is not host:port`},
		{"egress_url not https", "egress_url: http://plain.example/\n" + okRoutes + okServices, "1:13", "egress_url: must be an https:// URL"},
		{"egress not on or off", "egress: maybe\n" + okRoutes + okServices, "1:9", "egress must be on or off"},
		{"stun without port", "services: [{name: x, targets: [{role: calls, stun: nohostport}]}]\n" + okRoutes, "1:52", `stun: "nohostport" is not host:port`},
		{"domestic not a list", "domestic: https://ya.ru/\n" + okRoutes + okServices, "1:11", "domestic must be a list"},
		{"domestic plain http", "domestic: [\"http://ya.ru/\"]\n" + okRoutes + okServices, "1:12", "domestic: use an https:// URL"},
		{"domestic none in list", "domestic: [none]\n" + okRoutes + okServices, "1:12", "domestic: a reference cannot be none"},
		{"domestic without port", "domestic: [\"tls://nohostport\"]\n" + okRoutes + okServices, "1:12", `domestic: "nohostport" is not host:port`},
		{"unknown transfer key", "transfer:\n  evry: 10m\n" + okRoutes + okServices, "2:3", `unknown key "evry" in transfer`},
		{"transfer not a mapping", "transfer: 10m\n" + okRoutes + okServices, "1:11", "transfer must be a mapping"},
		{"every without unit", "transfer: {every: 10}\n" + okRoutes + okServices, "1:19", "transfer.every needs a unit"},
		{"every under its floor", "transfer: {every: 10s}\n" + okRoutes + okServices, "1:19", "transfer.every: 10s is below the floor of 1m"},
		{"bad size", "transfer: {bytes: lots}\n" + okRoutes + okServices, "1:19", `transfer.bytes: "lots" is not a size`},
		{"size unit typo", "transfer: {bytes: 64KiBs}\n" + okRoutes + okServices, "1:19", "is not a size"},
		{"size too small", "transfer: {bytes: 100}\n" + okRoutes + okServices, "1:19", "at least 1KiB"},
		{"size too large", "transfer: {bytes: 1000MiB}\n" + okRoutes + okServices, "1:19", "at most 64MiB"},
		{"bad rate", "transfer: {slow_below: fast}\n" + okRoutes + okServices, "1:24", "is not a bit rate"},
		{"zero rate", "transfer: {slow_below: 0}\n" + okRoutes + okServices, "1:24", "at least 1"},
		{"off not bool", "transfer: {off: maybe}\n" + okRoutes + okServices, "1:17", "transfer.off must be true or false"},
		{"metered not bool", "routes:\n  - {name: a, direct: true, metered: yes please}\n" + okServices, "2:38", "metered must be true or false"},
		{"transfer ftp", transfer(`"ftp://a.b/x"`), "7:33", "transfer: use an http:// or https:// URL"},
		{"transfer echo path", transfer(`"tcp://a.b:7/x"`), "7:33", "tcp://host:port"},
		{"transfer echo no port", transfer(`"tcp://a.b"`), "7:33", "is not host:port"},
		{"transfer url with user", transfer(`"https://u:p@a.b/x"`), "7:33", "must not carry a user name"},
		{"transfer with sni", okRoutes + "services:\n  - name: m\n    targets:\n      - {role: media, transfer: \"tls://a.b:7\", sni: c}\n", "7:48", "sni applies to tls targets only"},
	}
	file := filepath.Join(dir, "lifeline.yaml")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse(file, []byte(c.doc))
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", cfg.Plan)
			}
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			prefix := file + ":" + c.pos + ": "
			if c.pos == "" {
				prefix = file + ":"
			}
			if !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("error = %q, want it to start with %q", err, prefix)
			}
			if !strings.Contains(cerr.Msg, c.msg) {
				t.Errorf("message = %q, want it to contain %q", cerr.Msg, c.msg)
			}
		})
	}
}
