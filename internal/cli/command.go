// Package cli describes a command line once (commands, their operands and their flags) and
// renders that one description as --help text, a man page and bash, zsh and fish completion
// scripts, so the four never drift apart.
package cli

import (
	"flag"
	"strings"
)

// Command is one command of the tree; the root is the program itself.
type Command struct {
	Name     string   // the word that selects it; the root's is the program name
	Operands string   // what follows the flags, e.g. "bash|zsh|fish"; "" for nothing
	Choices  []string // operand values to complete, e.g. the shells
	Summary  string   // one line, lower case, no full stop
	About    string   // paragraphs for help and the man page; may be empty
	Flags    []Flag
	Sub      []*Command
}

// Flag is one flag of a command.
type Flag struct {
	Name    string   // without dashes
	Arg     string   // placeholder of the value, e.g. "FILE"; "" for a boolean flag
	Usage   string   // one line
	Default string   // shown when not ""
	Choices []string // values to complete
	File    bool     // the value is a path: complete file names
}

// Spelling is how help writes a flag: -v for one letter, --config for a word.
func (f Flag) Spelling() string {
	if len(f.Name) == 1 {
		return "-" + f.Name
	}
	return "--" + f.Name
}

// Find follows path (words after the program name) to a command; it returns nil when a word
// names no subcommand.
func (c *Command) Find(path ...string) *Command {
	cur := c
	for _, word := range path {
		next := cur.sub(word)
		if next == nil {
			return nil
		}
		cur = next
	}
	return cur
}

func (c *Command) sub(name string) *Command {
	for _, s := range c.Sub {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Walk calls fn for c and every command below it, depth first, with each one's full path
// from the root (the root's path is its name).
func (c *Command) Walk(fn func(path []string, cmd *Command)) {
	var walk func(path []string, cmd *Command)
	walk = func(path []string, cmd *Command) {
		fn(path, cmd)
		for _, s := range cmd.Sub {
			walk(append(append([]string(nil), path...), s.Name), s)
		}
	}
	walk([]string{c.Name}, c)
}

// Flag returns the flag of c named name (without dashes).
func (c *Command) Flag(name string) (Flag, bool) {
	for _, f := range c.Flags {
		if f.Name == name {
			return f, true
		}
	}
	return Flag{}, false
}

// FlagsOf describes every flag defined on fs, in the order FlagSet lists them (by name).
// A value's placeholder comes from back-quotes in its usage (`FILE`), as with the flag
// package, else from its type. choices and files add what completion needs per flag name.
func FlagsOf(fs *flag.FlagSet, choices map[string][]string, files map[string]bool) []Flag {
	var out []Flag
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			arg = ""
		} else {
			arg = placeholder(arg)
		}
		def := f.DefValue
		switch def {
		case "", "0", "false":
			def = ""
		}
		out = append(out, Flag{
			Name: f.Name, Arg: arg, Usage: usage, Default: def,
			Choices: choices[f.Name], File: files[f.Name],
		})
	})
	return out
}

// placeholder turns the flag package's type names into the upper-case words help uses.
func placeholder(arg string) string {
	switch arg {
	case "", "value", "string":
		return "VALUE"
	case "int", "uint":
		return "N"
	case "duration":
		return "DURATION"
	}
	return strings.ToUpper(arg)
}
