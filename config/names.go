package config

import "github.com/goccy/go-yaml/ast"

// name reads the name field of a route or service (kind says which) from fs, the fields of
// its mapping n, with at the place to blame when there is none. It returns the name, the node
// duplicate messages point at (the name's, or n without one) and false when the name is
// missing or not a valid name.
func (p *parser) name(fs map[string]field, n, at ast.Node, what, kind string) (string, ast.Node, bool) {
	f, ok := fs["name"]
	if !ok {
		p.fail(at, "%s needs a name", what)
		return "", n, false
	}
	name := p.text(f, "name")
	if p.err == nil && !validName(name) {
		p.fail(f.value, "%s name %q: use letters, digits, '-', '_' or '.' (at most 40)", kind, clip(name))
	}
	return name, f.value, p.err == nil
}

// readUnique reads each item of a list of named things (routes, services) with read, which
// returns the thing, its name and the name's node, and refuses a name the list already had:
// dup starts that message. It stops at the first error, returning nil.
func readUnique[T any](p *parser, items []ast.Node, dup string, read func(n ast.Node, i int) (T, string, ast.Node)) []T {
	seen := map[string]int{}
	var out []T
	for i, n := range items {
		if p.err != nil {
			return nil
		}
		v, name, nameNode := read(n, i)
		if p.err != nil {
			return nil
		}
		if line, ok := seen[name]; ok {
			p.fail(nameNode, "%s %q (first at line %d)", dup, name, line)
			return nil
		}
		seen[name] = nameNode.GetToken().Position.Line
		out = append(out, v)
	}
	return out
}

// validName keeps route and service names usable as labels, file names and env values.
func validName(s string) bool {
	return s != "" && len(s) <= 40 && nameChars(s)
}

// nameChars reports whether s holds only ASCII letters, digits, '-', '_' and '.', the
// characters of route and service names and of DNS names.
func nameChars(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}
