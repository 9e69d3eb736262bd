// Package config reads lifeline's YAML configuration into a checks.Plan: settings, routes and
// services, with the built-in service catalog, secrets from the environment or files, and an
// embedded default that discovers local VPN interfaces and proxies.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
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
	Path   string   // file it came from; "" for the embedded default
	Notes  []string // human notes, e.g. discovered routes "tor: socks5 127.0.0.1:9050 (Tor)"

	inlineSecret bool // a password is written in the file itself
}

// Alerts say when and how a change of state is announced.
type Alerts struct {
	FailureThreshold int    // consecutive bad results before a change is announced (default 2)
	SuccessThreshold int    // consecutive good results before recovery is announced (default 2)
	OnChange         string // command run on each change (sh -c), "" = none
	Webhook          string // URL POSTed a JSON body on each change, "" = none (secret-bearing: never print)
}

// DefaultAlerts are used for anything a configuration leaves out.
var DefaultAlerts = Alerts{FailureThreshold: 2, SuccessThreshold: 2}

var topKeys = []string{
	"interval", "timeout", "step_timeout", "slow", "concurrency", "per_route", "history",
	"ca_files", "control", "failure_threshold", "success_threshold", "on_change", "webhook",
	"routes", "services", "dns_compare", "egress", "egress_url", "egress_every", "transfer",
	"domestic",
}

// maxConfigSize bounds a config file: a few hundred lines, not a disk image.
const maxConfigSize = 1 << 20

// Load reads and parses the file at path.
func Load(path string) (*Config, error) {
	info, err := os.Stat(path)
	if err == nil && info.Size() > maxConfigSize {
		return nil, &Error{File: path, Msg: "too large for a config file"}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read: " + pathErr(err).Error(), Err: err}
	}
	cfg, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	cfg.Path = path
	if cfg.inlineSecret && sharedFile(path) {
		cfg.Notes = append(cfg.Notes, checks.Sanitize(path)+" holds a password and is readable by other users; "+
			"chmod 600 it, or move the password to password_file or ${ENV}")
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
		s.Interval = p.duration(f, "interval")
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
	if f, ok := fs["webhook"]; ok {
		a.Webhook = p.webhook(f)
	}

	if f, ok := fs["ca_files"]; ok {
		p.globalAnchors = p.caFiles(f, "ca_files")
	}
	p.globalPool = trustPool(p.globalAnchors)
	control := p.defaultControl()
	if f, ok := fs["control"]; ok {
		t, set := p.control(f)
		control = nil
		if set {
			t.RootCAs = p.globalPool
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
	if f, ok := fs["services"]; ok {
		cfg.Plan.Services = p.services(f)
	} else {
		p.fail(nil, "no services: add a services list, e.g. services: [%s]", strings.Join(DefaultServices, ", "))
	}
	return cfg
}

// defaultControl is the control every route gets unless the config says otherwise.
func (p *parser) defaultControl() *checks.Target {
	t, _, _ := parseControl(checks.DefaultControl)
	t.RootCAs = p.globalPool
	return &t
}

// webhook reads the webhook URL. It is a secret (tokens live in webhook URLs): messages never
// quote it.
func (p *parser) webhook(f field) string {
	raw := strings.TrimSpace(p.text(f, "webhook"))
	if p.err != nil || raw == "" {
		return ""
	}
	from, to := userinfoSpan(raw)
	p.noteInlinePassword(raw[from:to])
	expanded, err := expandEnv(raw, func(off int) bool { return off >= from && off < to })
	if err != nil {
		p.fail(f.value, "webhook: %v", err)
		return ""
	}
	u, err := url.Parse(expanded)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.fail(f.value, "webhook: must be an http:// or https:// URL")
		return ""
	}
	return expanded
}

// String describes where the config came from, for `config path` and logs.
func (c *Config) String() string {
	if c.Path == "" {
		return fmt.Sprintf("embedded default (%d routes, %d services)", len(c.Plan.Routes), len(c.Plan.Services))
	}
	return fmt.Sprintf("%s (%d routes, %d services)", c.Path, len(c.Plan.Routes), len(c.Plan.Services))
}
