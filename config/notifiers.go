package config

import (
	"net/url"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/lifeline-app/lifeline/checks"
)

// Notifier is one HTTP alert. URL and Token are secrets: never print them.
type Notifier struct {
	Kind  string // checks.NotifyWebhook, checks.NotifyNtfy or checks.NotifyTelegram
	URL   string // webhook: its URL; ntfy: the topic URL; telegram: a Bot API server ("" = official)
	Token string // ntfy: access token (optional); telegram: the bot token
	Chat  string // telegram: the chat id
	Via   string // checks.ViaAuto (the default), checks.ViaDirect, checks.ViaEnv or a route name
}

// notifierKind is one row of the notifier table: its key, the keys of its mapping, the
// shorthand a plain string stands for, and what it needs.
type notifierKind struct {
	name      string
	keys      []string
	shorthand string // the key a plain string value sets
	required  []string
	example   string
}

var notifierKinds = []notifierKind{
	{name: checks.NotifyWebhook, keys: []string{"url", "via"}, shorthand: "url", required: []string{"url"},
		example: "webhook: {url: https://hooks.example.net/${TOKEN}, via: auto}"},
	{name: checks.NotifyNtfy, keys: []string{"url", "token", "via"}, shorthand: "url", required: []string{"url"},
		example: "ntfy: {url: https://ntfy.sh/my-topic, token: ${NTFY_TOKEN}, via: auto}"},
	{name: checks.NotifyTelegram, keys: []string{"token", "chat", "api", "via"}, required: []string{"token", "chat"},
		example: "telegram: {token: ${TELEGRAM_BOT_TOKEN}, chat: \"123456789\", via: auto}"},
}

// notifier reads one notifier: a mapping of its keys, or for webhook and ntfy a plain URL.
// Its URL and token are secrets: messages never quote them.
func (p *parser) notifier(kind notifierKind, f field) Notifier {
	n := Notifier{Kind: kind.name, Via: checks.ViaAuto}
	var fs map[string]field
	switch p.unwrap(f.value).(type) {
	case *ast.StringNode, *ast.LiteralNode:
		if kind.shorthand != "" {
			fs = map[string]field{kind.shorthand: f}
		}
	}
	if fs == nil {
		fs = p.fields(f.value, kind.name, kind.keys...)
	}
	if p.err != nil {
		return n
	}
	for _, key := range kind.required {
		if _, ok := fs[key]; !ok {
			p.fail(valueOrKey(f), "%s needs %s, e.g. %s", kind.name, key, kind.example)
			return n
		}
	}
	if v, ok := fs["url"]; ok {
		n.URL = p.secretURL(v, kind.name)
	}
	if v, ok := fs["api"]; ok {
		n.URL = p.secretURL(v, kind.name+".api")
	}
	if v, ok := fs["token"]; ok {
		n.Token = p.secretText(v, kind.name+".token")
	}
	if v, ok := fs["chat"]; ok {
		chat, err := p.expandEnv(strings.TrimSpace(p.text(v, kind.name+".chat")), nil)
		if err != nil {
			p.fail(v.value, "%s.chat: %v", kind.name, err)
		}
		n.Chat = chat
	}
	if v, ok := fs["via"]; ok {
		n.Via = strings.TrimSpace(p.text(v, kind.name+".via"))
		p.vias = append(p.vias, viaUse{node: v.value, via: n.Via, kind: kind.name})
	}
	return n
}

// viaUse remembers where a notifier named its way out, to check it once routes are known.
type viaUse struct {
	node ast.Node
	via  string
	kind string
}

// checkVias fails on a via that is neither auto, direct, env nor a route of the config.
func (p *parser) checkVias(routes []checks.RouteSpec) {
	if p.err != nil {
		return
	}
	for _, v := range p.vias {
		switch v.via {
		case checks.ViaAuto, checks.ViaDirect, checks.ViaEnv:
			continue
		}
		if !slices.ContainsFunc(routes, func(r checks.RouteSpec) bool { return r.Name == v.via }) {
			p.fail(v.node, "%s.via: %q is not a route; use auto, direct, env or a route's name", v.kind, clip(v.via))
			return
		}
	}
}

// secretURL reads an http:// or https:// URL that may hold a token (in its path, query or
// userinfo), expanding ${ENV}. Messages never quote it.
func (p *parser) secretURL(f field, name string) string {
	raw := strings.TrimSpace(p.text(f, name))
	if p.err != nil || raw == "" {
		return ""
	}
	from, to := userinfoSpan(raw)
	p.noteInlinePassword(raw[from:to])
	if tokenInPath(raw) {
		p.tokenInURL = true
	}
	expanded, err := p.expandEnv(raw, func(off int) bool { return off >= from && off < to })
	if err != nil {
		p.fail(f.value, "%s: %v", name, err)
		return ""
	}
	u, err := url.Parse(expanded)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		p.fail(f.value, "%s: must be an http:// or https:// URL", name)
		return ""
	}
	return expanded
}

// secretText reads a token, expanding ${ENV}; one written out in the file makes the file's
// permissions matter.
func (p *parser) secretText(f field, name string) string {
	raw := strings.TrimSpace(p.text(f, name))
	if p.err != nil {
		return ""
	}
	if stripRefs(raw) != "" {
		p.tokenInURL = true
	}
	expanded, err := p.expandEnv(raw, nil)
	if err != nil {
		p.fail(f.value, "%s: %v", name, err)
		return ""
	}
	if expanded == "" {
		p.fail(f.value, "%s is empty", name)
	}
	return expanded
}

// tokenInPath is true when a URL as written (before ${…} expansion) carries what looks like a
// token in its path or query: a written-out segment of 16 characters or more, or any query
// value (Slack, Discord and most webhook services put the token there).
func tokenInPath(raw string) bool {
	u, err := url.Parse(stripRefs(raw))
	if err != nil {
		return false
	}
	if u.RawQuery != "" {
		return true
	}
	for seg := range strings.SplitSeq(u.Path, "/") {
		if len(seg) >= 16 {
			return true
		}
	}
	return false
}

// stripRefs removes every ${…} reference from s, leaving what is written out.
func stripRefs(s string) string {
	for {
		start := strings.Index(s, "${")
		if start < 0 {
			return s
		}
		end := strings.IndexByte(s[start:], '}')
		if end < 0 {
			return s
		}
		s = s[:start] + s[start+end+1:]
	}
}
