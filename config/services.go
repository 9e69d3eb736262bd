package config

import (
	"crypto/x509"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"

	"github.com/lifeline-app/lifeline/checks"
)

var serviceKeys = []string{"name", "title", "short", "ca_files", "targets", "domestic"}

// services reads the services list: catalog names and inline definitions. An inline service
// named like a catalog one replaces it.
func (p *parser) services(f field) []checks.Service {
	items := p.list(f, "services")
	if p.err == nil && len(items) == 0 {
		p.fail(f.key, "services is empty: add at least one, e.g. [%s]", strings.Join(DefaultServices, ", "))
	}
	return readUnique(p, items, "duplicate service", func(n ast.Node, i int) (checks.Service, string, ast.Node) {
		s, nameNode := p.service(n, i)
		return s, s.Name, nameNode
	})
}

// service reads one entry; it returns the node naming it, for messages.
func (p *parser) service(n ast.Node, i int) (checks.Service, ast.Node) {
	n = p.unwrap(n)
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return p.inlineService(n, i)
	case *ast.SequenceNode, *ast.NullNode, nil:
		p.fail(n, "service %d must be a catalog name (%s) or a mapping with name and targets",
			i+1, strings.Join(catalogNames(), ", "))
		return checks.Service{}, n
	}
	name := strings.ToLower(strings.TrimSpace(p.text(field{key: n, value: n}, "service")))
	s, ok := catalogService(name, p.globalAnchors)
	if !ok && p.err == nil {
		p.fail(n, "unknown service %q (built in: %s; or define it with name and targets)",
			clip(name), strings.Join(catalogNames(), ", "))
	}
	return s, n
}

func (p *parser) inlineService(n ast.Node, i int) (checks.Service, ast.Node) {
	var s checks.Service
	what := "service " + strconv.Itoa(i+1)
	fs := p.fields(n, what, serviceKeys...)
	at := pos(n)
	name, nameNode, ok := p.name(fs, n, at, what, "service")
	s.Name = name
	if !ok {
		return s, nameNode
	}
	what = "service " + strconv.Quote(s.Name)
	s.Title, s.Short = s.Name, defaultShort(s.Name)
	if builtin, ok := catalogService(s.Name, nil); ok {
		s.Title, s.Short, s.Domestic = builtin.Title, builtin.Short, builtin.Domestic
	}
	if f, ok := fs["domestic"]; ok {
		s.Domestic = p.onOff(f, "domestic")
	}
	if f, ok := fs["title"]; ok {
		s.Title = clip(p.text(f, "title"))
	}
	if f, ok := fs["short"]; ok {
		s.Short = clip(p.text(f, "short"))
		if p.err == nil && utf8.RuneCountInString(s.Short) > 5 {
			p.fail(f.value, "short must be at most 5 characters")
		}
	}
	var anchors []*x509.Certificate
	if f, ok := fs["ca_files"]; ok {
		anchors = p.caFiles(f, "ca_files")
	}
	tf, ok := fs["targets"]
	if !ok {
		p.fail(at, "%s needs targets", what)
		return s, nameNode
	}
	items := p.list(tf, "targets")
	if p.err == nil && len(items) == 0 {
		p.fail(tf.key, "%s has no targets", what)
	}
	for j, item := range items {
		if p.err != nil {
			break
		}
		s.Targets = append(s.Targets, p.target(item, what+" target "+strconv.Itoa(j+1)))
	}
	if p.err != nil {
		return s, nameNode
	}
	return withTrust(s, append(append([]*x509.Certificate(nil), p.globalAnchors...), anchors...)), nameNode
}

// defaultShort abbreviates a name for the status line: its first three letters, upper-cased.
func defaultShort(name string) string {
	r := []rune(strings.ToUpper(name))
	if len(r) > 3 {
		r = r[:3]
	}
	return string(r)
}
