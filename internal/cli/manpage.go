package cli

import (
	"fmt"
	"io"
	"strings"
)

// Page is what a man page holds beyond the command tree.
type Page struct {
	Section  string    // "1"
	Date     string    // e.g. "2026-11-30"; may be empty
	Source   string    // e.g. "lifeline v1.2.0"
	Manual   string    // e.g. "User Commands"
	Sections []Section // extra sections after COMMANDS: EXIT STATUS, ENVIRONMENT, FILES…
}

// Section is one extra section of a man page: a title and paragraphs separated by blank
// lines. A paragraph whose lines all start with "  " is kept as written (an example).
type Section struct {
	Title string
	Body  string
}

// WriteMan writes root's man page in roff (man macros).
func (root *Command) WriteMan(w io.Writer, p Page) error {
	var b strings.Builder
	name := root.Name
	fmt.Fprintf(&b, ".TH %s %s %s %s %s\n", quote(strings.ToUpper(name)), quote(p.Section),
		quote(p.Date), quote(p.Source), quote(p.Manual))
	// Left-adjusted and unhyphenated: flags, paths and addresses must never be split.
	b.WriteString(".ad l\n.nh\n")
	b.WriteString(".SH NAME\n")
	fmt.Fprintf(&b, "%s \\- %s\n", escape(name), escape(root.Summary))

	b.WriteString(".SH SYNOPSIS\n")
	root.Walk(func(path []string, c *Command) {
		if len(c.Sub) > 0 && len(path) > 1 {
			return // its subcommands have their own lines
		}
		fmt.Fprintf(&b, ".B %s\n", escape(strings.Join(path, " ")))
		if len(c.Flags) > 0 {
			b.WriteString("[\\fIflags\\fR]\n")
		}
		if c.Operands != "" {
			fmt.Fprintf(&b, "\\fI%s\\fR\n", escape(c.Operands))
		}
		b.WriteString(".br\n")
	})

	b.WriteString(".SH DESCRIPTION\n")
	paragraphs(&b, capitalise(root.Summary)+".\n\nWithout a command, "+root.Name+" runs its "+root.About1()+".\n\n"+root.aboutRest(true))

	b.WriteString(".SH OPTIONS\n")
	manFlags(&b, root.allFlags())

	b.WriteString(".SH COMMANDS\n")
	root.Walk(func(path []string, c *Command) {
		if len(path) == 1 {
			return
		}
		fmt.Fprintf(&b, ".SS %s\n", quote(strings.Join(path[1:], " ")))
		paragraphs(&b, capitalise(c.Summary)+".\n\n"+c.About)
		if len(c.Sub) == 0 {
			b.WriteString(".PP\nFlags:\n")
			manFlags(&b, c.allFlags())
		}
	})

	for _, s := range p.Sections {
		fmt.Fprintf(&b, ".SH %s\n", quote(strings.ToUpper(s.Title)))
		paragraphs(&b, s.Body)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// manFlags writes one tagged paragraph per flag.
func manFlags(b *strings.Builder, flags []Flag) {
	for _, f := range flags {
		b.WriteString(".TP\n")
		fmt.Fprintf(b, "\\fB%s\\fR", escape(f.Spelling()))
		if f.Arg != "" {
			fmt.Fprintf(b, " \\fI%s\\fR", escape(f.Arg))
		}
		b.WriteString("\n")
		fmt.Fprintf(b, "%s\n", escape(f.Usage+defaultSuffix(f)))
	}
}

// paragraphs writes text split on blank lines, each paragraph filled by the formatter; a
// paragraph indented by two spaces is an example kept line for line.
func paragraphs(b *strings.Builder, text string) {
	for _, para := range strings.Split(strings.Trim(text, "\n"), "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		b.WriteString(".PP\n")
		lines := strings.Split(para, "\n")
		if preformatted(lines) {
			b.WriteString(".RS 4\n.nf\n")
			for _, l := range lines {
				fmt.Fprintf(b, "%s\n", escape(strings.TrimPrefix(l, "  ")))
			}
			b.WriteString(".fi\n.RE\n")
			continue
		}
		fmt.Fprintf(b, "%s\n", escape(strings.Join(strings.Fields(para), " ")))
	}
}

func preformatted(lines []string) bool {
	for _, l := range lines {
		if !strings.HasPrefix(l, "  ") {
			return false
		}
	}
	return true
}

// roffChars maps what roff would misread, or what is not ASCII, to roff's escapes.
var roffChars = map[rune]string{
	'\\': `\e`,
	'-':  `\-`,
	'—':  `\(em`,
	'–':  `\(en`,
	'…':  `.\|.\|.`,
	'·':  `\(md`,
	'→':  `\(->`,
	'×':  `\(mu`,
	'’':  `\(aq`,
	'“':  `\(lq`,
	'”':  `\(rq`,
}

// escape makes text safe as roff input on one line: backslashes and hyphens escaped,
// typographic characters named, and a leading dot or quote neutralised.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if e, ok := roffChars[r]; ok {
			b.WriteString(e)
			continue
		}
		if r == '\n' {
			r = ' '
		}
		b.WriteRune(r)
	}
	out := b.String()
	if strings.HasPrefix(out, ".") || strings.HasPrefix(out, "'") {
		out = `\&` + out
	}
	return out
}

// quote makes s one argument of a macro line.
func quote(s string) string {
	return `"` + strings.ReplaceAll(escape(s), `"`, `\(dq`) + `"`
}
