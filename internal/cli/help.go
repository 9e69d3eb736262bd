package cli

import (
	"fmt"
	"io"
	"strings"
)

// helpFlag is the flag every command accepts; the renderers add it.
var helpFlag = Flag{Name: "help", Usage: "show this help and exit"}

// allFlags is a command's flags as the user can type them, --help included.
func (c *Command) allFlags() []Flag {
	return append(append([]Flag(nil), c.Flags...), helpFlag)
}

// Synopsis is the usage line of the command at path (the root's name first), e.g.
// "lifeline config check [flags]".
func (c *Command) Synopsis(path []string) string {
	s := strings.Join(path, " ")
	if len(c.Sub) > 0 {
		names := make([]string, len(c.Sub))
		for i, sub := range c.Sub {
			names[i] = sub.Name
		}
		if len(path) == 1 {
			// The root runs on its own too: its subcommands are optional.
			return s + " [flags]"
		}
		return s + " " + strings.Join(names, "|") + " [flags]"
	}
	if len(c.Flags) > 0 {
		s += " [flags]"
	}
	if c.Operands != "" {
		s += " " + c.Operands
	}
	return s
}

// WriteHelp writes the --help text of the command at path (the root's name first).
func (c *Command) WriteHelp(w io.Writer, path []string) error {
	var b strings.Builder
	prog := path[0]
	if len(path) == 1 {
		fmt.Fprintf(&b, "%s — %s.\n\nUsage:\n", prog, c.Summary)
		rows := [][2]string{{c.Synopsis(path), c.About1()}}
		for _, s := range c.Sub {
			rows = append(rows, [2]string{s.Synopsis(append(path, s.Name)), s.Summary})
		}
		writeTable(&b, rows)
	} else {
		fmt.Fprintf(&b, "Usage: %s\n\n%s.\n", c.Synopsis(path), capitalise(c.Summary))
		if len(c.Sub) > 0 {
			b.WriteString("\nCommands:\n")
			var rows [][2]string
			for _, s := range c.Sub {
				rows = append(rows, [2]string{s.Name, s.Summary})
			}
			writeTable(&b, rows)
		}
	}
	b.WriteString("\nFlags:\n")
	var rows [][2]string
	for _, f := range c.allFlags() {
		rows = append(rows, [2]string{f.Spelling() + argSuffix(f), f.Usage + defaultSuffix(f)})
	}
	writeTable(&b, rows)
	if about := c.aboutRest(len(path) == 1); about != "" {
		b.WriteString("\n" + about + "\n")
	}
	if len(path) == 1 || len(c.Sub) > 0 {
		fmt.Fprintf(&b, "\nRun '%s COMMAND --help' for a command's flags.\n", strings.Join(path, " "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// About1 is what the root does when run without a command: the first paragraph of About.
func (c *Command) About1() string {
	first, _, _ := strings.Cut(c.About, "\n\n")
	return strings.Join(strings.Fields(first), " ")
}

// aboutRest is About without the paragraph the root's usage table already shows.
func (c *Command) aboutRest(root bool) string {
	if !root {
		return strings.TrimSpace(c.About)
	}
	_, rest, _ := strings.Cut(c.About, "\n\n")
	return strings.TrimSpace(rest)
}

func argSuffix(f Flag) string {
	if f.Arg == "" {
		return ""
	}
	return " " + f.Arg
}

func defaultSuffix(f Flag) string {
	if f.Default == "" {
		return ""
	}
	return " (default " + f.Default + ")"
}

// writeTable writes two columns, the second aligned; a first column too wide for the
// alignment puts its text on the next line.
func writeTable(b *strings.Builder, rows [][2]string) {
	const maxLeft = 34
	width := 0
	for _, r := range rows {
		if n := len([]rune(r[0])); n > width && n <= maxLeft {
			width = n
		}
	}
	for _, r := range rows {
		n := len([]rune(r[0]))
		switch {
		case r[1] == "":
			fmt.Fprintf(b, "  %s\n", r[0])
		case n > width:
			fmt.Fprintf(b, "  %s\n  %s  %s\n", r[0], strings.Repeat(" ", width), r[1])
		default:
			fmt.Fprintf(b, "  %s%s  %s\n", r[0], strings.Repeat(" ", width-n), r[1])
		}
	}
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
