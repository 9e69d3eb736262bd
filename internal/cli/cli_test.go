package cli

import (
	"flag"
	"strings"
	"testing"
)

func sampleTree() *Command {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.String("config", "", "config `FILE`")
	fs.Bool("v", false, "verbose")
	fs.Int("limit", 5, "at most this many")
	return &Command{
		Name: "tool", Summary: "does things",
		About: "runs the default thing\n\nMore words.",
		Flags: FlagsOf(fs, nil, map[string]bool{"config": true}),
		Sub: []*Command{
			{Name: "group", Summary: "holds commands", Sub: []*Command{{Name: "leaf", Summary: "a leaf"}}},
			{Name: "say", Operands: "WORD", Choices: []string{"hi", "bye"}, Summary: "says a word"},
		},
	}
}

func TestFlagsOfReadsPlaceholdersDefaultsAndKinds(t *testing.T) {
	root := sampleTree()
	cfg, _ := root.Flag("config")
	if cfg.Arg != "FILE" || !cfg.File || cfg.Usage != "config FILE" || cfg.Spelling() != "--config" {
		t.Errorf("config = %+v", cfg)
	}
	v, _ := root.Flag("v")
	if v.Arg != "" || v.Spelling() != "-v" || v.Default != "" {
		t.Errorf("v = %+v", v)
	}
	limit, _ := root.Flag("limit")
	if limit.Arg != "N" || limit.Default != "5" {
		t.Errorf("limit = %+v", limit)
	}
}

func TestHelpShowsSynopsisFlagsAndSubcommands(t *testing.T) {
	root := sampleTree()
	var b strings.Builder
	if err := root.Find("group").WriteHelp(&b, []string{"tool", "group"}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"Usage: tool group leaf [flags]", "Holds commands.", "  leaf  a leaf", "--help", "Run 'tool group COMMAND --help'"} {
		if !strings.Contains(out, want) {
			t.Errorf("group help lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	root.WriteHelp(&b, []string{"tool"})
	for _, want := range []string{"tool — does things.", "  tool [flags]", "runs the default thing", "--config FILE", "--limit N", "(default 5)", "More words."} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("root help lacks %q:\n%s", want, b.String())
		}
	}
}

func TestRoffEscapesWhatTroffWouldMisread(t *testing.T) {
	cases := map[string]string{
		".starts with a dot":   `\&.starts with a dot`,
		"'starts with a quote": `\&'starts with a quote`,
		`back\slash`:           `back\eslash`,
		"--flag":               `\-\-flag`,
		"a — b…":               `a \(em b.\|.\|.`,
	}
	for in, want := range cases {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := quote(`say "hi"`); got != `"say \(dqhi\(dq"` {
		t.Errorf("quote = %s", got)
	}
}

func TestManPageKeepsExamplesAndNamesEveryFlag(t *testing.T) {
	var b strings.Builder
	err := sampleTree().WriteMan(&b, Page{Section: "1", Sections: []Section{{Title: "Examples", Body: "  tool say hi\n  tool group leaf"}}})
	if err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{".TH \"TOOL\" \"1\"", ".SH NAME\ntool \\- does things", `\fB\-\-config\fR \fIFILE\fR`, `\fB\-v\fR`,
		".SS \"group leaf\"", ".SS \"say\"", ".nf\ntool say hi\ntool group leaf\n.fi"} {
		if !strings.Contains(page, want) {
			t.Errorf("man page lacks %q:\n%s", want, page)
		}
	}
}

func TestCompletionScriptsForEveryShellAndNoOther(t *testing.T) {
	root := sampleTree()
	for _, shell := range Shells {
		var b strings.Builder
		if err := root.WriteCompletion(&b, shell); err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"group", "leaf", "say", "hi", "bye", "config", "limit", "help"} {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s completion lacks %q", shell, w)
			}
		}
	}
	if err := root.WriteCompletion(&strings.Builder{}, "powershell"); err == nil {
		t.Error("an unknown shell is accepted")
	}
}
