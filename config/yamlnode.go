package config

import (
	"crypto/x509"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/lifeline-app/lifeline/checks"
)

// The config is read with github.com/goccy/go-yaml because its AST keeps a line:column for
// every node and its parser already rejects duplicate keys; the helpers below walk that AST by
// hand rather than decoding into structs, so unknown keys, wrong types and bad values are all
// strict errors at their exact place, and no message ever echoes a value that may be secret.

// parser walks one document, remembering the first problem it meets; later steps keep going
// on zero values so the walk never needs to unwind.
type parser struct {
	file  string // as given to Parse, for messages
	dir   string // directory relative paths resolve against
	err   *Error
	notes []string
	// inlineSecret: a password is written in the file itself, not in ${ENV} or a
	// password_file, so the file's permissions protect it.
	inlineSecret bool
	// secretEnv names the environment variables ${…} references were read from.
	secretEnv []string
	// tokenInURL: an alert URL or token is written out in the file itself.
	tokenInURL bool
	vias       []viaUse

	globalAnchors []*x509.Certificate // ca_files at the top: trusted by every TLS target
}

// fail records the first problem.
func (p *parser) fail(n ast.Node, format string, args ...any) {
	if p.err == nil {
		p.err = p.errorAt(n, format, args...)
	}
}

// unwrap strips tags and anchors; aliases are refused (they would let one file expand without
// bound, and a config this small does not need them).
func (p *parser) unwrap(n ast.Node) ast.Node {
	for range 16 {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			p.fail(n, "aliases (*name) are not supported here")
			return nil
		default:
			return n
		}
	}
	return n
}

// field is one key: value of a mapping.
type field struct {
	key   ast.Node
	value ast.Node
}

// fields reads a mapping with only the allowed keys, each at most once. what names the mapping
// in messages ("route", "target"…).
func (p *parser) fields(n ast.Node, what string, allowed ...string) map[string]field {
	n = p.unwrap(n)
	var pairs []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		pairs = v.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{v}
	case nil:
		return nil
	default:
		p.fail(n, "%s must be a mapping of key: value, not %s", what, kindOf(n))
		return nil
	}
	out := make(map[string]field, len(pairs))
	for _, pair := range pairs {
		keyNode := p.unwrap(pair.Key)
		key, ok := keyText(keyNode)
		if !ok {
			p.fail(pair.Key, "%s keys must be plain words", what)
			continue
		}
		if !slices.Contains(allowed, key) {
			p.fail(keyNode, "unknown key %q in %s (known: %s)", clip(key), what, strings.Join(allowed, ", "))
			continue
		}
		if _, dup := out[key]; dup {
			p.fail(keyNode, "duplicate key %q in %s", key, what)
			continue
		}
		out[key] = field{key: keyNode, value: pair.Value}
	}
	return out
}

func keyText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.IntegerNode, *ast.BoolNode, *ast.NullNode, *ast.FloatNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// pos is the node a message about a whole mapping points at: its first key, which is where a
// person looks, rather than the ':' a block mapping starts with.
func pos(n ast.Node) ast.Node {
	switch v := n.(type) {
	case *ast.MappingNode:
		if !v.IsFlowStyle && len(v.Values) > 0 {
			return v.Values[0].Key
		}
	case *ast.MappingValueNode:
		return v.Key
	}
	return n
}

// text reads a scalar as text; numbers and booleans keep their written form, so `title: 2048`
// is the title "2048".
func (p *parser) text(f field, name string) string {
	n := p.unwrap(f.value)
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value
	case *ast.LiteralNode:
		if v.Value != nil {
			return v.Value.Value
		}
		return ""
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return n.GetToken().Value
	case *ast.NullNode, nil:
		p.fail(valueOrKey(f), "%s needs a value", name)
		return ""
	}
	p.fail(n, "%s must be text, not %s", name, kindOf(n))
	return ""
}

// boolean reads true or false.
func (p *parser) boolean(f field, name string) bool {
	if v, ok := p.unwrap(f.value).(*ast.BoolNode); ok {
		return v.Value
	}
	p.fail(valueOrKey(f), "%s must be true or false", name)
	return false
}

// integer reads a whole number in [min, math.MaxInt32].
func (p *parser) integer(f field, name string, min int) int {
	v, ok := p.unwrap(f.value).(*ast.IntegerNode)
	if !ok {
		p.fail(valueOrKey(f), "%s must be a whole number", name)
		return 0
	}
	var n int64
	switch x := v.Value.(type) {
	case int64:
		n = x
	case uint64:
		n = math.MaxInt64
		if x <= math.MaxInt64 {
			n = int64(x)
		}
	}
	switch {
	case n < 0:
		p.fail(v, "%s must not be negative", name)
		return 0
	case n < int64(min):
		p.fail(v, "%s must be at least %d", name, min)
		return 0
	case n > math.MaxInt32:
		p.fail(v, "%s is too large", name)
		return 0
	}
	return int(n)
}

// duration reads a Go duration such as 30s, 1m30s or 500ms; it must be positive.
func (p *parser) duration(f field, name string) time.Duration {
	n := p.unwrap(f.value)
	switch v := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		p.fail(n, "%s needs a unit, e.g. %ss", name, v.GetToken().Value)
		return 0
	case *ast.StringNode:
		d, err := time.ParseDuration(v.Value)
		if err != nil {
			p.fail(n, "%s: %q is not a duration (e.g. 500ms, 10s, 1m)", name, clip(v.Value))
			return 0
		}
		if d <= 0 {
			p.fail(n, "%s must be positive", name)
			return 0
		}
		return d
	}
	p.fail(valueOrKey(f), "%s must be a duration (e.g. 500ms, 10s, 1m)", name)
	return 0
}

// durationAtLeast reads a duration that may not go under floor; the error names the floor.
func (p *parser) durationAtLeast(f field, name string, floor time.Duration, why string) time.Duration {
	d := p.duration(f, name)
	if p.err == nil && d < floor {
		p.fail(p.unwrap(f.value), "%s: %s is below the floor of %s (%s); use %s or more",
			name, shortDuration(d), shortDuration(floor), why, shortDuration(floor))
		return 0
	}
	return d
}

// shortDuration writes d as a person would: 1m, not 1m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// list reads a sequence; each element keeps its node for messages.
func (p *parser) list(f field, name string) []ast.Node {
	n := p.unwrap(f.value)
	switch v := n.(type) {
	case *ast.SequenceNode:
		return v.Values
	case *ast.NullNode, nil:
		return nil
	}
	p.fail(valueOrKey(f), "%s must be a list", name)
	return nil
}

// texts reads a list of text values.
func (p *parser) texts(f field, name string) ([]string, []ast.Node) {
	nodes := p.list(f, name)
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, p.text(field{key: n, value: n}, name+" entry"))
	}
	return out, nodes
}

// valueOrKey points at the value when there is one, else at the key.
func valueOrKey(f field) ast.Node {
	if f.value != nil {
		if _, null := f.value.(*ast.NullNode); !null {
			return f.value
		}
	}
	return f.key
}

func kindOf(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode, nil:
		return "empty"
	case *ast.BoolNode:
		return "true/false"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	}
	return fmt.Sprintf("a %s", n.Type().YAMLName())
}

// clip keeps user-written text short and terminal-safe inside a message.
func clip(s string) string {
	const max = 60
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return checks.Sanitize(s)
}
