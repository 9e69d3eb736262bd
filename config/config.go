// Package config reads lifeline's YAML configuration into a checks.Plan: settings, routes and
// services, with the built-in service catalog, secrets from the environment or files, and an
// embedded default that discovers local VPN interfaces and proxies.
package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	yamlparser "github.com/goccy/go-yaml/parser"

	"github.com/lifeline-app/lifeline/checks"
)

// Config is a loaded configuration, ready to run.
type Config struct {
	Plan   checks.Plan // settings, routes, services, ready to run
	Alerts Alerts
	Path   string // file it came from; "" for the embedded default
	// State is the history store's directory from `state:`: "" for the default, "off" to
	// keep no history; a relative path is taken from the config file's directory.
	State string
	Notes []string // human notes, e.g. discovered routes "tor: socks5 127.0.0.1:9050 (Tor)"
	// SecretEnv names the environment variables the config's ${…} references read: they may
	// hold passwords and tokens, so no child process (on_change) is given them.
	SecretEnv []string

	inlineSecret bool // a password is written in the file itself
	tokenInURL   bool // an alert token is written in the file itself
}

// Alerts say when and how a change of state is announced.
type Alerts struct {
	FailureThreshold int    // consecutive bad results before a change is announced (default 2)
	SuccessThreshold int    // consecutive good results before recovery is announced (default 2)
	OnChange         string // command run on each change (sh -c), "" = none
	// Notifiers are the HTTP alerts (webhook, ntfy, telegram), each with its way out.
	Notifiers []Notifier
}

// Webhook is the generic webhook's URL, "" when none (secret-bearing: never print).
func (a Alerts) Webhook() string {
	for _, n := range a.Notifiers {
		if n.Kind == checks.NotifyWebhook {
			return n.URL
		}
	}
	return ""
}

// DefaultAlerts are used for anything a configuration leaves out.
var DefaultAlerts = Alerts{FailureThreshold: 2, SuccessThreshold: 2}

var topKeys = []string{
	"interval", "timeout", "step_timeout", "slow", "concurrency", "per_route", "history",
	"ca_files", "control", "failure_threshold", "success_threshold", "on_change", "webhook", "ntfy", "telegram",
	"routes", "services", "dns_compare", "egress", "egress_url", "egress_every", "transfer",
	"domestic", "state",
}

// maxConfigSize bounds a config file: a few hundred lines, not a disk image.
const maxConfigSize = 1 << 20

// Load reads and parses the regular file at path, at most maxConfigSize bytes of it within
// ReadDeadline; a FIFO or a device is refused without blocking.
func Load(path string) (*Config, error) {
	data, info, err := readRegularInfo(path, maxConfigSize)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, &Error{File: path, Msg: "too large for a config file", Err: err}
	case errors.Is(err, errNotRegular):
		return nil, &Error{File: path, Msg: "cannot read: it is " + err.Error(), Err: err}
	case err != nil:
		return nil, &Error{File: path, Msg: "cannot read: " + pathErr(err).Error(), Err: err}
	}
	cfg, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	cfg.Path = path
	shared := info.Mode().Perm()&0o044 != 0
	if cfg.inlineSecret && shared {
		cfg.Notes = append(cfg.Notes, checks.Sanitize(path)+" holds a password and is readable by other users; "+
			"chmod 600 it, or move the password to password_file or ${ENV}")
	}
	if cfg.tokenInURL && shared {
		cfg.Notes = append(cfg.Notes, checks.Sanitize(path)+" holds an alert token (in a webhook or ntfy URL, or a "+
			"token: written out) and is readable by other users; chmod 600 it, or write the token as ${ENV}")
	}
	if cfg.Alerts.OnChange != "" {
		if who := writableByOthers(path, info); who != "" {
			// As OpenSSH refuses a world-writable authorized_keys: anyone could make
			// lifeline run anything.
			return nil, &Error{File: path, Msg: "holds an on_change command and " + who +
				", who could make lifeline run any command; refusing it (chmod o-w)"}
		}
	}
	return cfg, nil
}

// Parse reads a configuration. filename places messages and anchors relative paths (ca_files,
// password_file); "" means the working directory. Errors are *Error.
func Parse(filename string, data []byte) (cfg *Config, err error) {
	if len(data) > maxConfigSize {
		return nil, &Error{File: filename, Msg: "too large for a config file"}
	}
	p := &parser{file: filename}
	if filename != "" {
		p.dir = filepath.Dir(filename)
	}
	if e := p.tooDeep(data); e != nil {
		return nil, e
	}
	file, perr := yamlparser.ParseBytes(data, 0)
	if perr != nil {
		return nil, p.syntaxError(perr)
	}
	var body ast.Node
	for _, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if _, comment := doc.Body.(*ast.CommentGroupNode); comment {
			continue
		}
		if body != nil {
			return nil, p.errorAt(pos(doc.Body), "only one YAML document is allowed")
		}
		body = doc.Body
	}
	if body == nil {
		return nil, p.errorAt(nil, "the config is empty: it needs at least routes and services")
	}
	cfg = p.document(body)
	if p.err != nil {
		return nil, p.err
	}
	cfg.Notes = p.notes
	cfg.inlineSecret = p.inlineSecret
	cfg.SecretEnv = p.secretEnv
	cfg.tokenInURL = p.tokenInURL
	return cfg, nil
}

// maxFlowDepth bounds [ and { nesting: the YAML parser slows down sharply on deep flow
// nesting, and a real config needs four levels at most.
const maxFlowDepth = 32

// tooDeep rejects absurd flow nesting before parsing. It counts brackets even inside quotes,
// which only matters for text no config contains.
func (p *parser) tooDeep(data []byte) *Error {
	depth, line, col := 0, 1, 0
	for _, c := range data {
		col++
		switch c {
		case '\n':
			line, col = line+1, 0
		case '[', '{':
			if depth++; depth > maxFlowDepth {
				return &Error{File: p.file, Line: line, Col: col, Msg: "nested too deeply"}
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

// syntaxError places a YAML syntax error.
func (p *parser) syntaxError(err error) *Error {
	var yerr yaml.Error
	if errors.As(err, &yerr) {
		e := &Error{File: p.file, Line: 1, Col: 1, Msg: "YAML: " + clip(yerr.GetMessage())}
		if tk := yerr.GetToken(); tk != nil && tk.Position != nil {
			e.Line, e.Col = tk.Position.Line, tk.Position.Column
		}
		return e
	}
	return &Error{File: p.file, Line: 1, Col: 1, Msg: "YAML: cannot parse"}
}

// document reads the top-level mapping.
func (p *parser) document(body ast.Node) *Config {
	cfg := &Config{Plan: checks.Plan{Settings: checks.DefaultSettings}, Alerts: DefaultAlerts}
	fs := p.fields(body, "the config", topKeys...)
	if fs == nil {
		if p.err == nil {
			p.fail(body, "the config must be a mapping of settings, routes and services")
		}
		return cfg
	}
	s := &cfg.Plan.Settings
	if f, ok := fs["interval"]; ok {
		s.Interval = p.durationAtLeast(f, "interval", checks.MinInterval,
			"each sweep connects through every route to every service")
	}
	if f, ok := fs["timeout"]; ok {
		s.Timeout = p.duration(f, "timeout")
	}
	if f, ok := fs["step_timeout"]; ok {
		s.StepTimeout = p.duration(f, "step_timeout")
		if p.err == nil && s.StepTimeout > s.Timeout {
			p.fail(f.value, "step_timeout (%v) must not exceed timeout (%v)", s.StepTimeout, s.Timeout)
		}
	} else if s.StepTimeout > s.Timeout {
		s.StepTimeout = s.Timeout
	}
	if f, ok := fs["slow"]; ok {
		s.Slow = p.duration(f, "slow")
	}
	if f, ok := fs["concurrency"]; ok {
		s.Concurrency = p.integer(f, "concurrency", 1)
	}
	if f, ok := fs["per_route"]; ok {
		s.PerRoute = p.integer(f, "per_route", 1)
	}
	if f, ok := fs["history"]; ok {
		s.HistorySize = p.integer(f, "history", 1)
	}

	if f, ok := fs["state"]; ok {
		cfg.State = p.stateDir(f)
	}

	a := &cfg.Alerts
	if f, ok := fs["failure_threshold"]; ok {
		a.FailureThreshold = p.integer(f, "failure_threshold", 1)
	}
	if f, ok := fs["success_threshold"]; ok {
		a.SuccessThreshold = p.integer(f, "success_threshold", 1)
	}
	if f, ok := fs["on_change"]; ok {
		a.OnChange = p.text(f, "on_change")
	}
	for _, kind := range notifierKinds {
		if f, ok := fs[kind.name]; ok {
			a.Notifiers = append(a.Notifiers, p.notifier(kind, f))
		}
	}

	if f, ok := fs["ca_files"]; ok {
		p.globalAnchors = p.caFiles(f, "ca_files")
	}
	control := p.defaultControl()
	if f, ok := fs["control"]; ok {
		t, set := p.control(f)
		control = nil
		if set {
			t.Anchors = p.globalAnchors
			control = &t
		}
	}

	cfg.Plan.Extra = p.extraChecks(fs, control != nil)
	cfg.Plan.Domestic = p.domestic(fs, control != nil)
	if f, ok := fs["transfer"]; ok {
		cfg.Plan.Transfer = p.transferPlan(f)
	}

	if f, ok := fs["routes"]; ok {
		cfg.Plan.Routes = p.routes(f, control)
	} else {
		p.fail(nil, "no routes: add a routes list, e.g. routes: [{name: direct, direct: true}]")
	}
	p.checkVias(cfg.Plan.Routes)
	if f, ok := fs["services"]; ok {
		cfg.Plan.Services = p.services(f)
	} else {
		p.fail(nil, "no services: add a services list, e.g. services: [%s]", strings.Join(DefaultServices, ", "))
	}
	return cfg
}

// stateDir reads `state:`: a directory for the history store (~ and relative paths as for
// every path of the config), or off.
func (p *parser) stateDir(f field) string {
	dir := strings.TrimSpace(p.text(f, "state"))
	switch {
	case p.err != nil:
		return ""
	case dir == "":
		p.fail(f.value, "state: want a directory for the history store, or off")
		return ""
	case dir == "off":
		return dir
	}
	path, err := p.resolvePath(dir)
	if err != nil {
		p.fail(f.value, "state: %v", err)
		return ""
	}
	return path
}

// defaultControl is the control every route gets unless the config says otherwise.
func (p *parser) defaultControl() *checks.Target {
	t, _, _ := parseControl(checks.DefaultControl)
	t.Anchors = p.globalAnchors
	return &t
}

// String describes where the config came from, for `config path` and logs.
func (c *Config) String() string {
	if c.Path == "" {
		return fmt.Sprintf("embedded default (%d routes, %d services)", len(c.Plan.Routes), len(c.Plan.Services))
	}
	return fmt.Sprintf("%s (%d routes, %d services)", c.Path, len(c.Plan.Routes), len(c.Plan.Services))
}
